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
    Operand<TFloat32> embeddings = layers.training() ? l2Normalize(tf, prelogits, 1e-10f)
        : inferenceL2Normalize(tf, prelogits, 1e-10f);
    return new Tower(layers, prelogits, embeddings);
  }

  /** x / sqrt(max(sum(x^2), eps)) along the last axis (tf.nn.l2_normalize). */
  public static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> x, float epsilon) {
    Operand<TFloat32> sq = tf.sum(tf.math.square(x), tf.constant(-1), Sum.keepDims(true));
    return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(sq, tf.constant(epsilon))));
  }

  /**
   * {@link #l2Normalize} for inference towers, in float32 and out of reach of TensorFlow's bfloat16 rewrite
   * ({@code auto_mixed_precision_onednn_bfloat16}), so that the embeddings are unit vectors to float32 precision
   * whatever the session's {@code Precision}: {@code x * rsqrt(max(D mean(x^2), eps))}, the squares taken with
   * {@code Pow} and averaged with {@code Mean}, both on the rewrite's deny list. The rewrite keeps a deny op in
   * float32 and paints deny every op on a path from it through its infer and clear lists (Mul, Maximum, Rsqrt), so
   * the whole normalisation reads the network's output cast back to float32 and runs in float32 (with Square and
   * Sum, both on its infer or no list, the rewrite would take the squares and the scaling to bfloat16). Every op
   * here is a TF-Lite builtin, unlike the float64 arithmetic used before.
   */
  public static Operand<TFloat32> inferenceL2Normalize(Ops tf, Operand<TFloat32> x, float epsilon) {
    long d = x.shape().size(x.shape().numDimensions() - 1);
    if (d <= 0) throw new IllegalArgumentException("the embedding dimension must be static, got " + x.shape());
    Operand<TFloat32> meanSquare = tf.math.mean(tf.math.pow(x, tf.constant(2f)), tf.constant(-1),
        org.tensorflow.op.math.Mean.keepDims(true));
    Operand<TFloat32> sq = tf.math.mul(meanSquare, tf.constant((float) d));
    return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(sq, tf.constant(epsilon))));
  }
}
