package org.facenet.nn;

import java.util.Map;

/**
 * A constant factor on a layer's output folded into the layer: {@code scale (x W + b) = x (scale W) + scale b},
 * the residual scale of the Inception-ResNet merges.
 *
 * @param weights path of the layer's weights
 * @param biases  path of its biases
 * @param scale   the factor
 */
public record FoldedScale(String weights, String biases, float scale) implements Folding {

  @Override
  public Map<String, float[]> fold(Map<String, float[]> values) {
    return Map.of(weights, scaled(Folding.value(values, weights)), biases, scaled(Folding.value(values, biases)));
  }

  private float[] scaled(float[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) out[i] = (float) ((double) v[i] * scale);
    return out;
  }
}
