package org.facenet.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;

/**
 * The embedding network: raw RGB [N, H, W, 3] in 0..255 -> standardisation -> backbone -> prelogits
 * -> L2 normalisation -> embeddings. The same function builds the training tower and the inference
 * tower that is exported.
 */
public final class EmbeddingModel {

  /** One tower's outputs. */
  public record Tower(Layers layers, Operand<TFloat32> prelogits, Operand<TFloat32> embeddings) {}

  private EmbeddingModel() {}

  public static Tower build(Layers layers, Operand<TFloat32> rawImages, ModelSpec spec) {
    Ops tf = layers.tf();
    Operand<TFloat32> x = spec.standardization().apply(tf, rawImages);
    Operand<TFloat32> prelogits = spec.createBackbone().build(layers, x, spec.config());
    return new Tower(layers, prelogits, l2Normalize(tf, prelogits, 1e-10f));
  }

  /** x / sqrt(max(sum(x^2), eps)) along the last axis (tf.nn.l2_normalize). */
  public static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> x, float epsilon) {
    Operand<TFloat32> sq = tf.sum(tf.math.square(x), tf.constant(-1), Sum.keepDims(true));
    return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(sq, tf.constant(epsilon))));
  }
}
