package org.facenet.loss;

import static org.facenet.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.facenet.nn.VariableStore;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.types.TFloat32;

/** Center loss against a float64 plain-Java reference: value, gradient, center updates. */
class CenterLossTest {

  private static final int N = 6, D = 5, C = 4;
  private static final float FACTOR = 0.5f, ALFA = 0.6f;

  /** CE(x W + b) + FACTOR * mean_i ||x_i - c_{y_i}||^2 / 2 in float64. */
  static double reference(double[] x, int[] y, double[] w, double[] b, double[] centers, int d, int c) {
    int n = y.length;
    double ce = crossEntropy(addBias(matmul(x, w, n, d, c), b, n, c), y, c);
    return ce + FACTOR * centerTerm(x, y, centers, d);
  }

  static double centerTerm(double[] x, int[] y, double[] centers, int d) {
    double s = 0;
    for (int i = 0; i < y.length; i++)
      for (int k = 0; k < d; k++) s += Math.pow(x[i * d + k] - centers[y[i] * d + k], 2);
    return s / y.length / 2;
  }

  /** c_{y_i} -= (1 - ALFA)(c_{y_i} - x_i) for every i, all from the pre-update centers (scatter-sub). */
  static double[] update(double[] centers, float[] x, int[] y, int d) {
    double[] out = centers.clone();
    for (int i = 0; i < y.length; i++)
      for (int k = 0; k < d; k++) out[y[i] * d + k] -= (1 - (double) ALFA) * (centers[y[i] * d + k] - x[i * d + k]);
    return out;
  }

  private static void check(int[] y, float[] x1, float[] x2) {
    try (LossTestSupport t = new LossTestSupport(N, D, C)) {
      LossOutput out = new CenterLoss(FACTOR, ALFA).build(t.inputs());
      VariableStore.Entry centers = t.store.entry(CenterLoss.CENTERS);
      assertFalse(centers.trainable(), "centers are not trained by the optimizer");
      assertEquals(List.of("Logits/weights", "Logits/biases"),
          t.store.trainable().stream().map(VariableStore.Entry::path).toList());
      assertEquals(1, out.updates().size());
      Operand<TFloat32> grad = t.gradient(out.loss(), t.x);
      double[] w = toDouble(t.read("Logits/weights"));
      double[] b = toDouble(t.read("Logits/biases"));
      double[] c0 = new double[C * D];

      // Step 1: centers zero before the update; the loss fetched with the update sees the old centers.
      float[][] r1 = t.run(x1, y, out.updates(), out.loss(), out.diagnostics().get("center_loss"));
      assertRelative(reference(toDouble(x1), y, w, b, c0, D, C), r1[0][0], 1e-5, "loss, step 1");
      assertRelative(centerTerm(toDouble(x1), y, c0, D), r1[1][0], 1e-5, "center term, step 1");
      double[] c1 = update(c0, x1, y, D);
      assertGradient(c1, t.read(CenterLoss.CENTERS), 1e-6, "centers after step 1");

      // Step 2 from non-zero centers.
      float[][] r2 = t.run(x2, y, out.updates(), out.loss(), out.diagnostics().get("center_loss"),
          out.diagnostics().get("cross_entropy"), out.diagnostics().get("accuracy"));
      double[] xd = toDouble(x2);
      assertRelative(reference(xd, y, w, b, c1, D, C), r2[0][0], 1e-5, "loss, step 2");
      assertRelative(centerTerm(xd, y, c1, D), r2[1][0], 1e-5, "center term, step 2");
      double[] logits = addBias(matmul(xd, w, N, D, C), b, N, C);
      assertRelative(crossEntropy(logits, y, C), r2[2][0], 1e-5, "cross entropy");
      assertEquals(accuracy(logits, y, C), r2[3][0], 1e-6, "accuracy");
      double[] c2 = update(c1, x2, y, D);
      assertGradient(c2, t.read(CenterLoss.CENTERS), 1e-6, "centers after step 2");

      // Gradient w.r.t. the prelogits at the current centers (the fetch alone does not move them).
      float[] g = t.eval(x2, y, grad);
      assertGradient(numericGradient(v -> reference(v, y, w, b, c2, D, C), xd, 1e-6), g, 1e-4, "d loss / d x");
      assertGradient(c2, t.read(CenterLoss.CENTERS), 1e-6, "centers unchanged without the update op");
    }
  }

  @Test
  void valueGradientAndUpdateWithARepeatedLabel() {
    check(new int[] {0, 2, 2, 1, 3, 2}, gaussian(N * D, 1, 1.5), gaussian(N * D, 2, 1.5));
  }

  @Test
  void batchOfOneIdentity() {
    check(new int[] {1, 1, 1, 1, 1, 1}, gaussian(N * D, 3, 1), gaussian(N * D, 4, 1));
  }

  @Test
  void duplicateInputs() {
    float[] x1 = gaussian(N * D, 5, 1);
    float[] x2 = gaussian(N * D, 6, 1);
    System.arraycopy(x1, 0, x1, D, D);
    System.arraycopy(x2, 0, x2, D, D);
    System.arraycopy(x2, 2 * D, x2, 3 * D, D);
    check(new int[] {3, 3, 0, 1, 2, 0}, x1, x2);
  }

  /** Whether a gradient output names a real op (TF's C API hands back an empty output for "no gradient"). */
  private static boolean isGradient(Output<?> o) {
    try {
      return o != null && o.op().type() != null;
    } catch (IllegalStateException noOp) {
      return false;
    }
  }

  @Test
  void noGradientReachesTheCenters() {
    try (LossTestSupport t = new LossTestSupport(N, D, C)) {
      LossOutput out = new CenterLoss(FACTOR, ALFA).build(t.inputs());
      Output<?> centers = t.store.entry(CenterLoss.CENTERS).read().asOutput();
      Output<?>[] g;
      try {
        g = t.graph.addGradients(out.loss().asOutput(), new Output<?>[] {t.x.asOutput(), centers});
      } catch (RuntimeException unreachable) {
        return; // TF refusing a variable the loss cannot reach is as good
      }
      assertTrue(isGradient(g[0]), "the prelogits get a gradient");
      assertFalse(isGradient(g[1]), "StopGradient keeps the optimizer off the centers");
    }
  }

  @Test
  void optionsSupplyFactorAndAlfa() {
    LossOptions o = LossOptions.defaults();
    assertTrue(o.centerLossFactor() > 0);
    try (LossTestSupport t = new LossTestSupport(N, D, C)) {
      LossOutput out = new CenterLoss(o).build(t.inputs());
      int[] y = {0, 1, 1, 2, 3, 3};
      float[] x = gaussian(N * D, 8, 1);
      float[][] r = t.run(x, y, out.updates(), out.loss(), out.diagnostics().get("cross_entropy"),
          out.diagnostics().get("center_loss"));
      assertRelative(r[1][0] + o.centerLossFactor() * (double) r[2][0], r[0][0], 1e-6, "ce + factor * center");
      double[] c = new double[C * D];
      for (int i = 0; i < N; i++)
        for (int k = 0; k < D; k++) c[y[i] * D + k] += (1 - (double) o.centerLossAlfa()) * x[i * D + k];
      assertGradient(c, t.read(CenterLoss.CENTERS), 1e-6, "centers");
    }
  }
}
