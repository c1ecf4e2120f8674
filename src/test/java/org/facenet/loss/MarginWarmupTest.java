package org.facenet.loss;

import static org.facenet.loss.LossTestSupport.*;

import java.util.List;
import org.facenet.nn.EmbeddingModel;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The margin warm-up's input (LossInputs.marginFactor): am-softmax, cosface and arcface with margin m x factor, against
 * the float64 reference of MarginSoftmaxLossTest at that margin, and at factor 0 against the plain normalised-weights
 * softmax CE(s cos, y) computed here without any margin code.
 */
class MarginWarmupTest {

  private static final int N = 6, D = 5, C = 7;
  private static final int[] Y = {0, 3, 6, 3, 1, 5};

  /** mean_i CE(s cos_i, y_i): softmax on normalised features and weights, no margin. */
  private static double normalisedSoftmax(double[] x, double[] w, double s) {
    double[] cos = matmul(normalize(x, N, D, 1), normalize(w, D, C, 0), N, D, C);
    double[] logits = new double[cos.length];
    for (int i = 0; i < cos.length; i++) logits[i] = s * cos[i];
    return crossEntropy(logits, Y, C);
  }

  /** The loss value and d loss / d x at {@code factor} (null: the input left out, the full constant margin). */
  private static float[][] run(MarginSoftmaxLoss loss, Float factor, float[] x, double[][] w) {
    try (LossTestSupport t = new LossTestSupport(N, D, C)) {
      Operand<TFloat32> f = factor == null ? null : t.tf.constant(factor);
      LossOutput out = loss.build(new LossInputs(t.layers, t.x, EmbeddingModel.l2Normalize(t.tf, t.x, 1e-10f), t.labels,
          C, f));
      Operand<TFloat32> gx = t.gradient(out.loss(), t.x);
      w[0] = toDouble(t.read(MarginSoftmaxLoss.SCOPE + "/weights"));
      return t.run(x, Y, List.of(), out.loss(), gx);
    }
  }

  @Test
  void theMarginIsItsValueTimesTheFactorAndZeroIsTheNormalisedSoftmax() {
    float[] x = gaussian(N * D, 31, 1);
    double[] xd = toDouble(x);
    for (MarginSoftmaxLoss l : List.of(MarginSoftmaxLoss.amSoftmax(LossOptions.defaults()),
        MarginSoftmaxLoss.cosFace(LossOptions.defaults()), MarginSoftmaxLoss.arcFace(LossOptions.defaults()))) {
      double s = l.scale(), m = l.angularMargin();
      double[][] w = new double[1][];
      float[][] zero = run(l, 0f, x, w);
      assertRelative(normalisedSoftmax(xd, w[0], s), zero[0][0], 1e-5, l.margin() + " at factor 0");
      double[] wz = w[0];
      assertGradient(numericGradient(v -> normalisedSoftmax(v, wz, s), xd, 1e-6), zero[1], 1e-4,
          l.margin() + " d loss / d x at factor 0");
      for (float factor : new float[] {0.25f, 0.5f, 1f}) {
        float[][] r = run(l, factor, x, w);
        double[] wf = w[0];
        double mf = m * factor;
        assertRelative(MarginSoftmaxLossTest.reference(xd, Y, wf, l.margin(), s, mf), r[0][0], 1e-5,
            l.margin() + " at factor " + factor);
        assertGradient(numericGradient(v -> MarginSoftmaxLossTest.reference(v, Y, wf, l.margin(), s, mf), xd, 1e-6),
            r[1], 1e-4, l.margin() + " d loss / d x at factor " + factor);
      }
      float[][] full = run(l, null, x, w);
      assertRelative(MarginSoftmaxLossTest.reference(xd, Y, w[0], l.margin(), s, m), full[0][0], 1e-5,
          l.margin() + " without the input: the full margin");
    }
  }
}
