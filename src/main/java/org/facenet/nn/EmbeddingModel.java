package org.facenet.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

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
    Operand<TFloat32> embeddings = layers.training() ? l2Normalize(tf, prelogits, 1e-10f)
        : l2NormalizeInDouble(tf, prelogits, 1e-10);
    return new Tower(layers, prelogits, embeddings);
  }

  /** x / sqrt(max(sum(x^2), eps)) along the last axis (tf.nn.l2_normalize). */
  public static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> x, float epsilon) {
    Operand<TFloat32> sq = tf.sum(tf.math.square(x), tf.constant(-1), Sum.keepDims(true));
    return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(sq, tf.constant(epsilon))));
  }

  /**
   * {@link #l2Normalize} computed in float64 and rounded once to float32: what inference towers use, so that the
   * embeddings are unit vectors to float32 precision whatever the session's {@code Precision}; TensorFlow's
   * bfloat16 rewrite converts float32 ops only, and would otherwise take the sum of squares and the scaling too.
   */
  public static Operand<TFloat32> l2NormalizeInDouble(Ops tf, Operand<TFloat32> x, double epsilon) {
    Operand<TFloat64> x64 = tf.dtypes.cast(x, TFloat64.class);
    Operand<TFloat64> sq = tf.sum(tf.math.square(x64), tf.constant(-1), Sum.keepDims(true));
    return tf.dtypes.cast(tf.math.mul(x64, tf.math.rsqrt(tf.math.maximum(sq, tf.constant(epsilon)))), TFloat32.class);
  }
}
