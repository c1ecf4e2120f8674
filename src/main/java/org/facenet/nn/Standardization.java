package org.facenet.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** How raw RGB values 0..255 become network input; done inside the graph so the SavedModel takes raw pixels. */
public enum Standardization {
  /** (x - 127.5) / 128, facenet's fixed_image_standardization (the published models' choice). */
  FIXED,
  /** (x - mean) / max(std, 1 / sqrt(n)) per image, TensorFlow's per_image_standardization. */
  PER_IMAGE,
  /**
   * (x - 127.5) / 127.5 on RGB, insightface's ArcFace models (arcface_torch's inference.py: RGB, /255, -0.5, /0.5;
   * model_zoo/arcface_onnx.py: input_mean = input_std = 127.5 with swapRB from OpenCV's BGR).
   */
  ARCFACE;

  /** What it does, as facenet-metadata.json says it. */
  public String describe() {
    return switch (this) {
      case FIXED -> "fixed: (x - 127.5) / 128, inside the graph";
      case PER_IMAGE -> "per-image: (x - mean) / max(std, 1/sqrt(n)), inside the graph";
      case ARCFACE -> "arcface: (x - 127.5) / 127.5 on RGB, inside the graph";
    };
  }

  /**
   * The kind that {@link #describe()} wrote {@code text} for (its name before the colon, e.g. "per-image"), or
   * empty if none did.
   */
  public static java.util.Optional<Standardization> described(String text) {
    String name = (text.contains(":") ? text.substring(0, text.indexOf(':')) : text).trim()
        .toLowerCase(java.util.Locale.ROOT);
    for (Standardization s : values()) {
      if (s.describe().startsWith(name + ":")) return java.util.Optional.of(s);
    }
    return java.util.Optional.empty();
  }

  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> images) {
    if (this == FIXED) {
      return tf.math.div(tf.math.sub(images, tf.constant(127.5f)), tf.constant(128f));
    }
    if (this == ARCFACE) {
      return tf.math.div(tf.math.sub(images, tf.constant(127.5f)), tf.constant(127.5f));
    }
    Operand<org.tensorflow.types.TInt32> axes = tf.constant(new int[] {1, 2, 3});
    Operand<TFloat32> mean = tf.math.mean(images, axes, org.tensorflow.op.math.Mean.keepDims(true));
    Operand<TFloat32> centered = tf.math.sub(images, mean);
    Operand<TFloat32> variance = tf.math.mean(tf.math.square(centered), axes, org.tensorflow.op.math.Mean.keepDims(true));
    long n = images.shape().size(1) * images.shape().size(2) * images.shape().size(3);
    Operand<TFloat32> floor = tf.constant((float) (1.0 / Math.sqrt(n)));
    return tf.math.div(centered, tf.math.maximum(tf.math.sqrt(variance), floor));
  }
}
