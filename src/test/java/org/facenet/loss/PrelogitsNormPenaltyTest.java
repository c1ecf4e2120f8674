package org.facenet.loss;

import static org.facenet.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** The prelogits norm penalty against a float64 plain-Java reference. */
class PrelogitsNormPenaltyTest {

  private static final int N = 5, D = 4, C = 3;

  /** (1/N) sum_i (sum_k |x_ik|^p)^(1/p). */
  static double meanNorm(double[] x, int n, double p) {
    double total = 0;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = 0; k < D; k++) s += Math.pow(Math.abs(x[i * D + k]), p);
      total += Math.pow(s, 1 / p);
    }
    return total / n;
  }

  /** A stand-in inner loss: 0.25 + sum(x), with one diagnostic and no updates. */
  private static final Loss INNER = in -> new LossOutput(
      in.layers().tf().math.add(in.layers().tf().constant(0.25f),
          in.layers().tf().reduceSum(in.prelogits(), in.layers().tf().constant(new int[] {0, 1}))),
      Map.of("inner", in.layers().tf().constant(1f)), List.of());

  private static double reference(double[] x, float factor, float p) {
    double s = 0.25;
    for (double v : x) s += v;
    return s + factor * meanNorm(x, N, p);
  }

  private static void check(float factor, float p, float[] x) {
    try (LossTestSupport t = new LossTestSupport(N, D, C)) {
      LossOutput out = new PrelogitsNormPenalty(INNER, factor, p).build(t.inputs());
      assertTrue(out.diagnostics().containsKey("inner"), "inner diagnostics kept");
      Operand<TFloat32> gx = t.gradient(out.loss(), t.x);
      int[] y = new int[N];
      double[] xd = toDouble(x);
      float[][] r = t.run(x, y, List.of(), out.loss(), out.diagnostics().get("prelogits_norm"), gx);
      assertRelative(reference(xd, factor, p), r[0][0], 1e-5, "loss, p=" + p);
      assertRelative(meanNorm(xd, N, p), r[1][0], 1e-5, "prelogits_norm, p=" + p);
      assertGradient(numericGradient(v -> reference(v, factor, p), xd, 1e-6), r[2], 1e-4, "d loss / d x, p=" + p);
    }
  }

  @Test
  void l1NormByDefault() {
    LossOptions d = LossOptions.defaults();
    assertEquals(1f, d.prelogitsNormP());
    check(0.3f, d.prelogitsNormP(), gaussian(N * D, 31, 2));
  }

  @Test
  void otherOrders() {
    check(0.7f, 2f, gaussian(N * D, 32, 1));
    check(0.7f, 3f, gaussian(N * D, 33, 1));
    check(0.2f, 1.5f, gaussian(N * D, 34, 1));
  }

  @Test
  void duplicateRowsAndAZeroRowStayFinite() {
    float[] x = gaussian(N * D, 35, 1);
    System.arraycopy(x, 0, x, D, D);
    check(0.5f, 1f, x);
    for (float p : new float[] {1f, 2f, 3f}) {
      float[] z = x.clone();
      java.util.Arrays.fill(z, 2 * D, 3 * D, 0f);
      try (LossTestSupport t = new LossTestSupport(N, D, C)) {
        LossOutput out = new PrelogitsNormPenalty(INNER, 1f, p).build(t.inputs());
        Operand<TFloat32> gx = t.gradient(out.loss(), t.x);
        float[][] r = t.run(z, new int[N], List.of(), out.loss(), gx);
        assertRelative(reference(toDouble(z), 1f, p), r[0][0], 1e-5, "loss with a zero row, p=" + p);
        for (float g : r[1]) assertTrue(Float.isFinite(g), "gradient with a zero row, p=" + p);
      }
    }
  }

  @Test
  void offWhenFactorIsZero() {
    assertSame(INNER, PrelogitsNormPenalty.wrap(INNER, LossOptions.defaults()), "default factor 0: not wrapped");
    LossOptions on = new LossOptions(0.2f, false, false, 0.01f, 0.95f, null, null, 16f, false, 5e-4f, 1f);
    assertInstanceOf(PrelogitsNormPenalty.class, PrelogitsNormPenalty.wrap(INNER, on));
    try (LossTestSupport t = new LossTestSupport(N, D, C)) {
      LossOutput out = new PrelogitsNormPenalty(INNER, 0f, 1f).build(t.inputs());
      assertFalse(out.diagnostics().containsKey("prelogits_norm"));
      float[] x = gaussian(N * D, 36, 1);
      double sum = 0.25;
      for (float v : x) sum += v;
      assertRelative(sum, t.eval(x, new int[N], out.loss())[0], 1e-5, "inner loss only");
    }
  }

  @Test
  void keepsTheInnerLossUpdatesAndBatchNeeds() {
    Loss metric = new Loss() {
      @Override
      public LossOutput build(LossInputs in) {
        return INNER.build(in);
      }

      @Override
      public boolean needsIdentityBatches() {
        return true;
      }
    };
    assertTrue(new PrelogitsNormPenalty(metric, 0.1f, 1f).needsIdentityBatches());
    assertFalse(new PrelogitsNormPenalty(INNER, 0.1f, 1f).needsIdentityBatches());
    try (LossTestSupport t = new LossTestSupport(N, D, C)) {
      LossOutput out = new PrelogitsNormPenalty(new CenterLoss(0.01f, 0.9f), 0.1f, 1f).build(t.inputs());
      assertEquals(1, out.updates().size(), "the center update survives the wrapper");
      assertTrue(out.diagnostics().keySet().containsAll(List.of("accuracy", "center_loss", "cross_entropy",
          "prelogits_norm")));
    }
  }
}
