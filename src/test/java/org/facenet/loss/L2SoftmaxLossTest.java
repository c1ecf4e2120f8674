package org.facenet.loss;

import static org.facenet.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.facenet.nn.VariableStore;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** L2-softmax against a float64 plain-Java reference. */
class L2SoftmaxLossTest {

  private static final int N = 5, D = 6, C = 4;

  /** CE((alpha x / ||x||) W + b). */
  static double reference(double[] x, int[] y, double alpha, double[] w, double[] b) {
    double[] f = normalize(x, y.length, D, 1);
    for (int i = 0; i < f.length; i++) f[i] *= alpha;
    return crossEntropy(addBias(matmul(f, w, y.length, D, C), b, y.length, C), y, C);
  }

  private static void check(float alpha, boolean learn, int[] y, float[] x) {
    try (LossTestSupport t = new LossTestSupport(N, D, C)) {
      LossOutput out = new L2SoftmaxLoss(alpha, learn).build(t.inputs());
      assertTrue(out.updates().isEmpty());
      Operand<TFloat32> gx = t.gradient(out.loss(), t.x);
      VariableStore.Entry a = t.store.entry("L2Softmax/alpha");
      Operand<TFloat32> ga = learn ? t.gradient(out.loss(), a.read()) : null;
      if (learn) {
        assertTrue(a.trainable(), "learned alpha is trainable");
        assertEquals(0, a.shape().length, "alpha is a scalar");
      } else {
        assertEquals(null, a, "fixed alpha makes no variable");
      }
      double[] w = toDouble(t.read("Logits/weights"));
      double[] b = toDouble(t.read("Logits/biases"));
      double[] xd = toDouble(x);
      float[][] r = t.run(x, y, List.of(), out.loss(), out.diagnostics().get("alpha"), out.diagnostics().get("accuracy"), gx);
      assertRelative(reference(xd, y, alpha, w, b), r[0][0], 1e-5, "loss");
      assertEquals(alpha, r[1][0], 0f, "alpha diagnostic");
      double[] f = normalize(xd, N, D, 1);
      for (int i = 0; i < f.length; i++) f[i] *= alpha;
      assertEquals(accuracy(addBias(matmul(f, w, N, D, C), b, N, C), y, C), r[2][0], 1e-6, "accuracy");
      assertGradient(numericGradient(v -> reference(v, y, alpha, w, b), xd, 1e-6), r[3], 1e-4, "d loss / d x");
      if (learn) {
        double h = 1e-5;
        double fd = (reference(xd, y, alpha + h, w, b) - reference(xd, y, alpha - h, w, b)) / (2 * h);
        assertGradient(new double[] {fd}, t.eval(x, y, ga), 1e-4, "d loss / d alpha");
      }
    }
  }

  @Test
  void fixedAlphaMatchesReference() {
    check(16f, false, new int[] {0, 1, 2, 3, 1}, gaussian(N * D, 11, 2));
  }

  @Test
  void learnedAlphaIsAVariableWithAGradient() {
    check(3f, true, new int[] {2, 0, 3, 3, 1}, gaussian(N * D, 12, 0.7));
  }

  @Test
  void batchOfOneIdentity() {
    check(16f, false, new int[] {2, 2, 2, 2, 2}, gaussian(N * D, 13, 1));
    check(5f, true, new int[] {0, 0, 0, 0, 0}, gaussian(N * D, 14, 1));
  }

  @Test
  void duplicateInputs() {
    float[] x = gaussian(N * D, 15, 1);
    System.arraycopy(x, 0, x, D, D);
    System.arraycopy(x, 0, x, 4 * D, D);
    check(8f, false, new int[] {1, 1, 0, 3, 2}, x);
  }

  @Test
  void optionsAreHonoured() {
    LossOptions d = LossOptions.defaults();
    assertEquals(16f, d.l2SoftmaxAlpha());
    assertFalse(d.learnAlpha());
    try (LossTestSupport t = new LossTestSupport(N, D, C)) {
      new L2SoftmaxLoss(new LossOptions(0.2f, false, false, 0.01f, 0.95f, null, null, 7f, true, 0f, 1f))
          .build(t.inputs());
      assertEquals(7f, t.read("L2Softmax/alpha")[0]);
    }
  }

  @Test
  void lowerBoundIsThePapersFormula() {
    assertEquals(Math.log(0.9 * 8 / 0.1), L2SoftmaxLoss.lowerBound(0.9, 10), 1e-12);
    // Ranjan et al.: p = 0.9 over 10k identities needs alpha >= ~11.4.
    assertEquals(11.41, L2SoftmaxLoss.lowerBound(0.9, 10_000), 0.01);
    assertTrue(L2SoftmaxLoss.lowerBound(0.99, 10_000) > L2SoftmaxLoss.lowerBound(0.9, 10_000));
    assertThrows(IllegalArgumentException.class, () -> L2SoftmaxLoss.lowerBound(1.0, 10));
    assertThrows(IllegalArgumentException.class, () -> L2SoftmaxLoss.lowerBound(0.5, 2));
  }
}
