package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.facenet.nn.Initializer;
import org.facenet.nn.VariableStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** Three optimizer steps on L = sum(c * w^2 / 2) against the update rules written out in plain Java. */
class OptimizerTest {

  private static final float[] C = {0.5f, -1.5f, 2f};
  private static final float[] W0 = {1f, 2f, -3f};
  private static final float LR = 0.1f;

  @ParameterizedTest
  @EnumSource(OptimizerKind.class)
  void threeStepsFollowTheUpdateRule(OptimizerKind kind) {
    double[] expected = reference(kind);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, 1);
      Operand<TFloat32> w = store.get("w", new long[] {3}, (t, shape, seed) -> t.constant(W0), true).read();
      org.tensorflow.op.core.Variable<TInt64> step = tf.variable(tf.constant(0L));
      Operand<TFloat32> loss = tf.sum(tf.math.mul(tf.constant(C), tf.math.div(tf.math.square(w), tf.constant(2f))),
          tf.constant(0));
      var grads = tf.gradients(loss, List.of(w));
      List<Output<?>> dys = new ArrayList<>(List.of(grads.dy(0)));
      List<Op> ops = Optimizer.facenet(kind).apply(tf, store, store.trainable(), dys, tf.constant(LR), step);
      Op train = tf.withControlDependencies(List.of(tf.withControlDependencies(ops).noOp())).assignAdd(step, tf.constant(1L));
      try (Session s = new Session(g)) {
        s.initialize();
        for (int i = 0; i < 3; i++) s.runner().addTarget(train).run();
        try (Result r = s.runner().fetch(w).run()) {
          float[] got = new float[3];
          ((TFloat32) r.get(0)).copyTo(DataBuffers.of(got, false, false));
          for (int i = 0; i < 3; i++) assertEquals(expected[i], got[i], 1e-5, kind + " w[" + i + "]");
        }
      }
    }
  }

  /** TensorFlow's documented update rules with facenet's constants, in float64. */
  private static double[] reference(OptimizerKind kind) {
    double[] w = {W0[0], W0[1], W0[2]};
    double[] a = new double[3];
    double[] b = new double[3];
    for (int i = 0; i < 3; i++) {
      if (kind == OptimizerKind.RMSPROP) a[i] = 1.0;
      if (kind == OptimizerKind.ADAGRAD) a[i] = 0.1;
    }
    for (int t = 1; t <= 3; t++) {
      for (int i = 0; i < 3; i++) {
        double g = C[i] * w[i];
        switch (kind) {
          case SGD -> w[i] -= LR * g;
          case ADAM -> {
            double lrT = LR * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
            a[i] = 0.9 * a[i] + 0.1 * g;
            b[i] = 0.999 * b[i] + 0.001 * g * g;
            w[i] -= lrT * a[i] / (Math.sqrt(b[i]) + 0.1);
          }
          case MOM -> {
            a[i] = 0.9 * a[i] + g;
            w[i] -= LR * g + LR * 0.9 * a[i];
          }
          case RMSPROP -> {
            a[i] = 0.9 * a[i] + 0.1 * g * g;
            b[i] = 0.9 * b[i] + LR * g / Math.sqrt(a[i] + 1.0);
            w[i] -= b[i];
          }
          case ADAGRAD -> {
            a[i] += g * g;
            w[i] -= LR * g / Math.sqrt(a[i]);
          }
        }
      }
    }
    return w;
  }
}
