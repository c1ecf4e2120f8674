package org.facenet.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The element-wise sum of a tensor over every replica of a data-parallel run, differentiable (its gradient is the same
 * sum of the upstream gradients). A training tower given one computes each batch norm's moments over the global
 * batch (synchronised batch norm, {@code org.facenet.distribute.SyncBatchNorm}); every replica must build the same
 * sums in the same order.
 */
@FunctionalInterface
public interface CrossReplicaSum {

  /** {@code x} summed over the replicas, of x's shape, on every replica. */
  Operand<TFloat32> sum(Ops tf, Operand<TFloat32> x);
}
