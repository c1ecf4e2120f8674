package org.facenet.loss;

import static org.facenet.loss.LossTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.facenet.loss.MarginSoftmaxLoss.Margin;
import org.facenet.nn.VariableStore;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/** AM-softmax / CosFace / ArcFace against a float64 plain-Java reference. */
class MarginSoftmaxLossTest {

  private static final int N = 6, D = 5, C = 7;

  /** The target cosine of the formula, with the same float32 clamp bounds as the graph. */
  static double target(double c, Margin kind, double m) {
    if (kind == Margin.ADDITIVE_COSINE) return c - m;
    double theta = Math.acos(Math.min(Math.max(c, MarginSoftmaxLoss.COS_LOW), MarginSoftmaxLoss.COS_HIGH));
    return theta > Math.PI - m ? c - m * Math.sin(m) : Math.cos(theta + m);
  }

  static double[] cosines(double[] x, double[] w, int n) {
    return matmul(normalize(x, n, D, 1), normalize(w, D, C, 0), n, D, C);
  }

  /** mean_i CE(s cos_i with column y_i replaced by s t(cos_{i, y_i})). */
  static double reference(double[] x, int[] y, double[] w, Margin kind, double s, double m) {
    double[] cos = cosines(x, w, y.length);
    double[] logits = new double[cos.length];
    for (int i = 0; i < y.length; i++) {
      for (int j = 0; j < C; j++) logits[i * C + j] = s * cos[i * C + j];
      logits[i * C + y[i]] = s * target(cos[i * C + y[i]], kind, m);
    }
    return crossEntropy(logits, y, C);
  }

  /** Builds the loss, checks value, diagnostics and d loss / d x; returns W. */
  private static double[] check(MarginSoftmaxLoss loss, int[] y, float[] x, double gradTol) {
    try (LossTestSupport t = new LossTestSupport(N, D, C)) {
      LossOutput out = loss.build(t.inputs());
      assertTrue(out.updates().isEmpty());
      assertEquals(List.of(MarginSoftmaxLoss.SCOPE + "/weights"),
          t.store.trainable().stream().map(VariableStore.Entry::path).toList(), "one weight matrix, no bias");
      Operand<TFloat32> gx = t.gradient(out.loss(), t.x);
      double[] w = toDouble(t.read(MarginSoftmaxLoss.SCOPE + "/weights"));
      check(t, out, gx, loss, y, x, w, gradTol);
      return w;
    }
  }

  private static void check(LossTestSupport t, LossOutput out, Operand<TFloat32> gx, MarginSoftmaxLoss loss, int[] y,
      float[] x, double[] w, double gradTol) {
    double s = loss.scale(), m = loss.angularMargin();
    double[] xd = toDouble(x);
    float[][] r = t.run(x, y, List.of(), out.loss(), out.diagnostics().get("accuracy"),
        out.diagnostics().get("target_cosine"), gx);
    assertRelative(reference(xd, y, w, loss.margin(), s, m), r[0][0], 1e-5, loss.margin() + " loss");
    double[] cos = cosines(xd, w, N);
    assertEquals(accuracy(cos, y, C), r[1][0], 1e-6, "accuracy of the plain cosines");
    double meanCos = 0;
    for (int i = 0; i < N; i++) meanCos += cos[i * C + y[i]] / N;
    assertEquals(meanCos, r[2][0], 1e-6, "mean target cosine");
    assertGradient(numericGradient(v -> reference(v, y, w, loss.margin(), s, m), xd, 1e-6), r[3], gradTol,
        loss.margin() + " d loss / d x");
  }

  private static final int[] LABELS = {0, 3, 6, 3, 1, 5};

  @Test
  void amSoftmaxDefaults() {
    MarginSoftmaxLoss l = MarginSoftmaxLoss.amSoftmax(LossOptions.defaults());
    assertEquals(Margin.ADDITIVE_COSINE, l.margin());
    assertEquals(30f, l.scale());
    assertEquals(0.35f, l.angularMargin());
    check(l, LABELS, gaussian(N * D, 21, 1), 1e-4);
  }

  @Test
  void cosFaceDefaults() {
    MarginSoftmaxLoss l = MarginSoftmaxLoss.cosFace(LossOptions.defaults());
    assertEquals(Margin.ADDITIVE_COSINE, l.margin());
    assertEquals(64f, l.scale());
    assertEquals(0.35f, l.angularMargin());
    check(l, LABELS, gaussian(N * D, 22, 3), 1e-4);
  }

  @Test
  void arcFaceDefaults() {
    MarginSoftmaxLoss l = MarginSoftmaxLoss.arcFace(LossOptions.defaults());
    assertEquals(Margin.ADDITIVE_ANGLE, l.margin());
    assertEquals(64f, l.scale());
    assertEquals(0.5f, l.angularMargin());
    check(l, LABELS, gaussian(N * D, 23, 0.5), 1e-4);
  }

  @Test
  void optionsOverrideScaleAndMargin() {
    LossOptions o = new LossOptions(0.2f, false, false, 0.01f, 0.95f, 10f, 0.2f, 16f, false, 0f, 1f);
    for (MarginSoftmaxLoss l : List.of(MarginSoftmaxLoss.amSoftmax(o), MarginSoftmaxLoss.cosFace(o),
        MarginSoftmaxLoss.arcFace(o))) {
      assertEquals(10f, l.scale());
      assertEquals(0.2f, l.angularMargin());
      check(l, LABELS, gaussian(N * D, 24, 1), 1e-4);
    }
  }

  @Test
  void batchOfOneIdentityAndDuplicateInputs() {
    float[] x = gaussian(N * D, 25, 1);
    System.arraycopy(x, 0, x, D, D);
    System.arraycopy(x, 0, x, 2 * D, D);
    for (MarginSoftmaxLoss l : List.of(MarginSoftmaxLoss.amSoftmax(LossOptions.defaults()),
        MarginSoftmaxLoss.arcFace(LossOptions.defaults()))) {
      check(l, new int[] {4, 4, 4, 4, 4, 4}, gaussian(N * D, 26, 1), 1e-4);
      check(l, new int[] {2, 2, 2, 0, 1, 6}, x, 1e-4);
    }
  }

  /** Unit vector at angle {@code theta} from column {@code y} of w, scaled to {@code radius}. */
  private static void atAngle(float[] x, int row, double[] w, int y, double theta, double radius, Random r) {
    double[] wy = new double[D];
    double nw = 0;
    for (int k = 0; k < D; k++) nw += (wy[k] = w[k * C + y]) * wy[k];
    nw = Math.sqrt(nw);
    double[] u = new double[D];
    double dot = 0, nu = 0;
    for (int k = 0; k < D; k++) dot += (u[k] = r.nextGaussian()) * wy[k] / nw;
    for (int k = 0; k < D; k++) nu += Math.pow(u[k] -= dot * wy[k] / nw, 2);
    nu = Math.sqrt(nu);
    for (int k = 0; k < D; k++)
      x[row * D + k] = (float) (radius * (Math.cos(theta) * wy[k] / nw + Math.sin(theta) * u[k] / nu));
  }

  @Test
  void arcFaceNearPiUsesTheFallbackAndNearZeroClampsWithoutNaN() {
    MarginSoftmaxLoss l = MarginSoftmaxLoss.arcFace(LossOptions.defaults());
    int[] y = {1, 2, 3, 4, 5, 6};
    double[] angles = {Math.PI, 0, Math.PI - 0.3, Math.PI - 0.7, Math.PI - 0.55, 0.3};
    try (LossTestSupport t = new LossTestSupport(N, D, C)) {
      LossOutput out = l.build(t.inputs());
      Operand<TFloat32> gx = t.gradient(out.loss(), t.x);
      double[] w = toDouble(t.read(MarginSoftmaxLoss.SCOPE + "/weights"));
      float[] x = new float[N * D];
      Random r = new Random(27);
      for (int i = 0; i < N; i++) atAngle(x, i, w, y[i], angles[i], 2 + i, r);
      // Rows 0 and 2 take the fallback cos - m sin m; rows 1 (clamped at 1 - 1e-7), 3, 4, 5 the arc.
      double[] cos = cosines(toDouble(x), w, N);
      assertTrue(Math.acos(Math.max(-1, cos[2 * C + 3])) > Math.PI - 0.5, "row 2 is past pi - m");
      assertTrue(Math.acos(cos[4 * C + 5]) < Math.PI - 0.5, "row 4 is before pi - m");
      check(t, out, gx, l, y, x, w, 1e-4);

      // Exactly at the clamp the target gradient is cut; nothing may be NaN even at 1e-3 rad.
      for (double tiny : new double[] {1e-3, 1e-5, 0}) {
        float[] z = x.clone();
        atAngle(z, 1, w, y[1], tiny, 1, r);
        float[][] v = t.run(z, y, List.of(), out.loss(), gx);
        assertTrue(Float.isFinite(v[0][0]), "loss at " + tiny);
        for (float g : v[1]) assertTrue(Float.isFinite(g), "gradient at " + tiny);
        assertRelative(reference(toDouble(z), y, w, l.margin(), 64, 0.5), v[0][0], 1e-3, "loss at " + tiny);
      }
    }
  }

  @Test
  void arcFaceTargetFallsMonotonicallyOverZeroToPi() {
    int k = 2001;
    float[] c = new float[k];
    for (int i = 0; i < k; i++) c[i] = (float) Math.cos(Math.PI * i / (k - 1));
    try (LossTestSupport t = new LossTestSupport(1, 1, 1); Session s = new Session(t.graph)) {
      Operand<TFloat32> target = MarginSoftmaxLoss.targetCosine(t.tf, t.tf.constant(c), Margin.ADDITIVE_ANGLE, 0.5f);
      try (Result res = s.runner().fetch(target).run()) {
        TFloat32 v = (TFloat32) res.get(0);
        float prev = Float.POSITIVE_INFINITY;
        for (int i = 0; i < k; i++) {
          float f = v.getFloat(i);
          assertTrue(f <= prev, "target rises at theta " + Math.PI * i / (k - 1));
          assertEquals(target(c[i], Margin.ADDITIVE_ANGLE, 0.5f), f, 2e-6, "target at " + i);
          prev = f;
        }
      }
    }
  }
}
