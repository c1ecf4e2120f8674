package org.facenet.train;

import java.util.ArrayList;
import java.util.List;
import org.facenet.nn.Initializer;
import org.facenet.nn.VariableStore;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyMomentum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Gradient updates on TensorFlow's raw training ops (ApplyAdam, ApplyMomentum, ...). Slot variables
 * live in the {@link VariableStore} next to their variable ("path/Adam", "path/Adam_1"), so checkpoints
 * and --resume carry the optimizer state.
 */
public final class Optimizer {

  private final OptimizerKind kind;
  private final float adamEpsilon;

  public Optimizer(OptimizerKind kind, float adamEpsilon) {
    this.kind = kind;
    this.adamEpsilon = adamEpsilon;
  }

  public static Optimizer facenet(OptimizerKind kind) {
    return new Optimizer(kind, 0.1f);
  }

  /**
   * Ops applying {@code grads} to {@code vars} at learning rate {@code lr}; {@code step} is the
   * global step before this update (Adam's bias correction uses t = step + 1).
   */
  public List<Op> apply(Ops tf, VariableStore store, List<VariableStore.Entry> vars, List<Output<?>> grads,
      Operand<TFloat32> lr, Operand<TInt64> step) {
    List<Op> ops = new ArrayList<>();
    Operand<TFloat32> t = tf.math.add(tf.dtypes.cast(step, TFloat32.class), tf.constant(1f));
    // Adam's constants and bias-correction powers, shared by every variable's update (one op each, not one per
    // variable: fewer small ops in a step, docs/benchmarks.md).
    Operand<TFloat32> b1 = kind == OptimizerKind.ADAM ? tf.constant(0.9f) : null;
    Operand<TFloat32> b2 = kind == OptimizerKind.ADAM ? tf.constant(0.999f) : null;
    Operand<TFloat32> b1Power = kind == OptimizerKind.ADAM ? tf.math.pow(b1, t) : null;
    Operand<TFloat32> b2Power = kind == OptimizerKind.ADAM ? tf.math.pow(b2, t) : null;
    Operand<TFloat32> epsilon = kind == OptimizerKind.ADAM ? tf.constant(adamEpsilon) : null;
    for (int i = 0; i < vars.size(); i++) {
      VariableStore.Entry e = vars.get(i);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> g = (Operand<TFloat32>) grads.get(i);
      Variable<TFloat32> v = e.variable();
      ops.add(switch (kind) {
        case ADAM -> tf.train.applyAdam(v, slot(store, e, "Adam", 0f), slot(store, e, "Adam_1", 0f),
            b1Power, b2Power, lr, b1, b2, epsilon, g);
        case MOM -> tf.train.applyMomentum(v, slot(store, e, "Momentum", 0f), lr, g, tf.constant(0.9f),
            ApplyMomentum.useNesterov(true));
        case RMSPROP -> tf.train.applyRmsProp(v, slot(store, e, "RMSProp", 1f), slot(store, e, "RMSProp_1", 0f),
            lr, tf.constant(0.9f), tf.constant(0.9f), tf.constant(1.0f), g);
        case ADAGRAD -> tf.train.applyAdagrad(v, slot(store, e, "Adagrad", 0.1f), lr, g);
        case SGD -> tf.train.applyGradientDescent(v, lr, g);
      });
    }
    return ops;
  }

  private static Variable<TFloat32> slot(VariableStore store, VariableStore.Entry e, String name, float init) {
    return store.get(e.path() + "/" + name, e.shape(), init == 0f ? Initializer.zeros() : Initializer.constant(init), false).variable();
  }
}
