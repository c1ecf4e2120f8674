package org.facenet.nn;

import java.util.Map;

/**
 * A batch norm in inference mode folded into the convolution or fully connected layer before it, as deployment
 * graphs do: {@code BN(x * W) = x * (W s) + (beta - mean s)} with {@code s = gamma / sqrt(variance + epsilon)} per
 * output channel (the last axis of {@code W}). The folded layer keeps the unfolded one's variable names: its
 * {@code weights} hold {@code W s} and its batch norm's {@code beta} is the bias.
 *
 * @param weights        path of the layer's weights, output channels on the last axis
 * @param beta           path of the batch norm's beta
 * @param gamma          path of its gamma, or null when it has no scale (facenet's batch norm)
 * @param movingMean     path of its moving mean
 * @param movingVariance path of its moving variance
 * @param epsilon        its epsilon
 */
public record FoldedBatchNorm(String weights, String beta, String gamma, String movingMean, String movingVariance,
    float epsilon) implements Folding {

  /** {@code weights -> W s} and {@code beta -> beta - mean s}, computed in double and rounded once. */
  @Override
  public Map<String, float[]> fold(Map<String, float[]> values) {
    float[] w = Folding.value(values, weights);
    float[] b = Folding.value(values, beta);
    float[] mean = Folding.value(values, movingMean);
    float[] var = Folding.value(values, movingVariance);
    float[] g = gamma == null ? null : Folding.value(values, gamma);
    int c = b.length;
    if (w.length % c != 0 || mean.length != c || var.length != c || (g != null && g.length != c)) {
      throw new IllegalArgumentException(weights + ": " + w.length + " weights do not fold with " + c + " channels");
    }
    double[] scale = new double[c];
    float[] bias = new float[c];
    for (int k = 0; k < c; k++) {
      scale[k] = (g == null ? 1.0 : g[k]) / Math.sqrt((double) var[k] + epsilon);
      bias[k] = (float) (b[k] - mean[k] * scale[k]);
    }
    float[] folded = new float[w.length];
    for (int i = 0; i < w.length; i++) folded[i] = (float) (w[i] * scale[i % c]);
    return Map.of(weights, folded, beta, bias);
  }

}
