package org.facenet.loss;

import java.util.List;
import java.util.Map;
import org.facenet.nn.Initializer;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The normalised-softmax family on cosine logits cos_j = (x / ||x||) . (w_j / ||w_j||), with W [D, C] a
 * Xavier-initialised variable {@code CosineLogits/weights} (no bias, no weight decay) and the target logit
 * replaced by a margin version:
 * <ul>
 *   <li>AM-softmax / CosFace (additive cosine margin): target s (cos_y - m); AM-softmax s 30 m 0.35,
 *       CosFace s 64 m 0.35.</li>
 *   <li>ArcFace (additive angular margin): target s cos(theta_y + m), theta_y = acos(clamp(cos_y, -1+1e-7, 1-1e-7)),
 *       s 64 m 0.5; when theta_y > pi - m, s (cos_y - m sin m) instead (insightface), so the target keeps falling
 *       as theta_y grows.</li>
 * </ul>
 * L = mean_i CE(s cos_i with the target replaced, y_i). Diagnostics: accuracy (argmax of the plain cosines) and
 * target_cosine (mean cos_y).
 */
public final class MarginSoftmaxLoss implements Loss {

  /** Where the margin goes. */
  public enum Margin {
    /** s (cos_y - m): AM-softmax, CosFace. */
    ADDITIVE_COSINE,
    /** s cos(theta_y + m): ArcFace. */
    ADDITIVE_ANGLE
  }

  /** Default s and m of the named variants (REFERENCE.md). */
  public static final float AM_SOFTMAX_SCALE = 30f, AM_SOFTMAX_MARGIN = 0.35f;
  public static final float COSFACE_SCALE = 64f, COSFACE_MARGIN = 0.35f;
  public static final float ARCFACE_SCALE = 64f, ARCFACE_MARGIN = 0.5f;

  /** The clamp of cos before acos, as float32 values (1 - 1e-7 rounds to 1 - 2^-23). */
  public static final float COS_LOW = -1f + 1e-7f, COS_HIGH = 1f - 1e-7f;

  /** The weights' name below the layers' path. */
  public static final String SCOPE = "CosineLogits";

  private final Margin margin;
  private final float s;
  private final float m;

  public MarginSoftmaxLoss(Margin margin, float scale, float angularMargin) {
    this.margin = margin;
    this.s = scale;
    this.m = angularMargin;
  }

  public static MarginSoftmaxLoss amSoftmax(LossOptions o) {
    return new MarginSoftmaxLoss(Margin.ADDITIVE_COSINE, or(o.scale(), AM_SOFTMAX_SCALE),
        or(o.angularMargin(), AM_SOFTMAX_MARGIN));
  }

  public static MarginSoftmaxLoss cosFace(LossOptions o) {
    return new MarginSoftmaxLoss(Margin.ADDITIVE_COSINE, or(o.scale(), COSFACE_SCALE), or(o.angularMargin(), COSFACE_MARGIN));
  }

  public static MarginSoftmaxLoss arcFace(LossOptions o) {
    return new MarginSoftmaxLoss(Margin.ADDITIVE_ANGLE, or(o.scale(), ARCFACE_SCALE), or(o.angularMargin(), ARCFACE_MARGIN));
  }

  private static float or(Float v, float d) {
    return v == null ? d : v;
  }

  public Margin margin() {
    return margin;
  }

  public float scale() {
    return s;
  }

  public float angularMargin() {
    return m;
  }

  @Override
  public LossOutput build(LossInputs in) {
    Ops tf = in.layers().tf();
    long d = in.prelogits().shape().size(1);
    if (d <= 0) throw new IllegalArgumentException("prelogits need a static feature dimension: " + in.prelogits().shape());
    Operand<TFloat32> w = in.layers().in(SCOPE).variable("weights", new long[] {d, in.numClasses()},
        Initializer.xavierUniform());
    Parts p = in.marginFactor() == null ? parts(tf, in.prelogits(), w, in.labels(), in.numClasses(), margin, s, m)
        : parts(tf, in.prelogits(), w, in.labels(), in.numClasses(), margin, s,
            tf.math.mul(tf.constant(m), in.marginFactor()));
    return new LossOutput(p.loss(), Map.of("accuracy", SoftmaxLoss.accuracy(tf, p.cos(), in.labels()),
        "target_cosine", tf.math.mean(p.cosY(), tf.constant(0))), List.of());
  }

  /** Cosine similarities [N, C] between the rows of x [N, D] and the columns of w [D, C], both L2-normalised. */
  public static Operand<TFloat32> cosine(Ops tf, Operand<TFloat32> x, Operand<TFloat32> w) {
    return tf.linalg.matMul(normalize(tf, x, 1), normalize(tf, w, 0));
  }

  /** v / sqrt(max(sum(v^2, axis), 1e-10)) (tf.nn.l2_normalize). */
  public static Operand<TFloat32> normalize(Ops tf, Operand<TFloat32> v, int axis) {
    Operand<TFloat32> sq = tf.sum(tf.math.square(v), tf.constant(axis), Sum.keepDims(true));
    return tf.math.mul(v, tf.math.rsqrt(tf.math.maximum(sq, tf.constant(1e-10f))));
  }

  /** The margin target cosine t(cos_y) [N] (before scaling by s). */
  public static Operand<TFloat32> targetCosine(Ops tf, Operand<TFloat32> cosY, Margin margin, float m) {
    if (margin == Margin.ADDITIVE_COSINE) return tf.math.sub(cosY, tf.constant(m));
    Operand<TFloat32> theta = tf.math.acos(
        tf.math.minimum(tf.math.maximum(cosY, tf.constant(COS_LOW)), tf.constant(COS_HIGH)));
    Operand<TFloat32> arc = tf.math.cos(tf.math.add(theta, tf.constant(m)));
    Operand<TFloat32> fallback = tf.math.sub(cosY, tf.constant((float) (m * Math.sin(m))));
    return tf.select(tf.math.greater(theta, tf.constant((float) (Math.PI - m))), fallback, arc);
  }

  /**
   * Scaled logits s cos [N, C] with column y_i of row i replaced by s t(cos_y).
   *
   * @param cosY   the target cosines [N], sum(cos * oneHot, 1)
   * @param oneHot the labels one-hot [N, C]
   */
  public static Operand<TFloat32> logits(Ops tf, Operand<TFloat32> cos, Operand<TFloat32> cosY,
      Operand<TFloat32> oneHot, Margin margin, float s, float m) {
    Operand<TFloat32> delta = tf.math.sub(targetCosine(tf, cosY, margin, m), cosY);
    Operand<TFloat32> shifted = tf.math.add(cos, tf.math.mul(oneHot, tf.expandDims(delta, tf.constant(1))));
    return tf.math.mul(tf.constant(s), shifted);
  }

  /**
   * The margin target cosine with the margin a tensor {@code m} (a margin warm-up ramps it from 0): as
   * {@link #targetCosine(Ops, Operand, Margin, float)}, the threshold pi - m and the fallback's m sin m computed in the
   * graph. At m 0 it is cos_y (clamped, for ArcFace), i.e. the plain normalised softmax.
   */
  public static Operand<TFloat32> targetCosine(Ops tf, Operand<TFloat32> cosY, Margin margin, Operand<TFloat32> m) {
    if (margin == Margin.ADDITIVE_COSINE) return tf.math.sub(cosY, m);
    Operand<TFloat32> theta = tf.math.acos(
        tf.math.minimum(tf.math.maximum(cosY, tf.constant(COS_LOW)), tf.constant(COS_HIGH)));
    Operand<TFloat32> arc = tf.math.cos(tf.math.add(theta, m));
    Operand<TFloat32> fallback = tf.math.sub(cosY, tf.math.mul(m, tf.math.sin(m)));
    return tf.select(tf.math.greater(theta, tf.math.sub(tf.constant((float) Math.PI), m)), fallback, arc);
  }

  /** The whole loss with the margin a scalar tensor {@code m} (see {@link #targetCosine(Ops, Operand, Margin, Operand)}). */
  public static Parts parts(Ops tf, Operand<TFloat32> x, Operand<TFloat32> w, Operand<TInt32> labels, int numClasses,
      Margin margin, float s, Operand<TFloat32> m) {
    Operand<TFloat32> cos = cosine(tf, x, w);
    Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(numClasses), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> cosY = tf.sum(tf.math.mul(cos, oneHot), tf.constant(1));
    Operand<TFloat32> delta = tf.math.sub(targetCosine(tf, cosY, margin, m), cosY);
    Operand<TFloat32> logits = tf.math.mul(tf.constant(s),
        tf.math.add(cos, tf.math.mul(oneHot, tf.expandDims(delta, tf.constant(1)))));
    Operand<TFloat32> loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
    return new Parts(cos, cosY, logits, loss);
  }

  /** The pieces of one evaluation: cosines [N, C], target cosines [N], margin logits [N, C], the mean CE. */
  public record Parts(Operand<TFloat32> cos, Operand<TFloat32> cosY, Operand<TFloat32> logits, Operand<TFloat32> loss) {}

  /** The whole loss from features [N, D], weights [D, C] and labels [N], without {@link LossInputs}. */
  public static Parts parts(Ops tf, Operand<TFloat32> x, Operand<TFloat32> w, Operand<TInt32> labels, int numClasses,
      Margin margin, float s, float m) {
    Operand<TFloat32> cos = cosine(tf, x, w);
    Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(numClasses), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> cosY = tf.sum(tf.math.mul(cos, oneHot), tf.constant(1));
    Operand<TFloat32> logits = logits(tf, cos, cosY, oneHot, margin, s, m);
    Operand<TFloat32> loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
    return new Parts(cos, cosY, logits, loss);
  }
}
