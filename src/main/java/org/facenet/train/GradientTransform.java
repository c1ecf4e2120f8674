package org.facenet.train;

import java.util.List;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;

/**
 * What happens to the gradients between {@code tf.gradients} and the optimizer's apply ops: nothing in one process,
 * an average across workers in data-parallel training ({@code org.facenet.distribute.AllReduce}).
 */
@FunctionalInterface
public interface GradientTransform {

  GradientTransform IDENTITY = (tf, grads) -> grads;

  /** The gradients to apply, one per input gradient, of the same shapes and in the same order. */
  List<Output<?>> apply(Ops tf, List<Output<?>> gradients);
}
