package org.facenet.loss;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Triplet losses with online mining inside the graph: distances ({@link PairwiseDistances}) -> miner
 * ({@link TripletMiners}) -> formula (here). Distances are squared or plain Euclidean per
 * {@link LossOptions#squared()}; the margin is {@link LossOptions#margin()} (0.2). Anchors without a positive
 * or without a negative in the batch are excluded; with nothing valid the loss is 0 (never NaN).
 *
 * <p>The static methods work on any embeddings/labels operands, without {@link LossInputs}.
 */
public final class TripletLoss implements Loss {

  /** Which triplets a batch contributes. */
  public enum Variant {
    /** Per anchor, the hardest positive and the hardest negative (Hermans et al., omoindrot). */
    BATCH_HARD,
    /** Every valid triplet, averaged over the ones with a positive loss (omoindrot). */
    BATCH_ALL,
    /** Per anchor-positive pair, FaceNet's semi-hard negative (TF-addons triplet_semihard_loss). */
    SEMI_HARD
  }

  private final Variant variant;
  private final float margin;
  private final boolean squared;
  private final boolean softMargin;

  public TripletLoss(Variant variant, LossOptions options) {
    this(variant, options.margin(), options.squared(), options.softMargin());
  }

  /** softMargin applies to BATCH_HARD only. */
  public TripletLoss(Variant variant, float margin, boolean squared, boolean softMargin) {
    this.variant = Objects.requireNonNull(variant);
    this.margin = margin;
    this.squared = squared;
    this.softMargin = softMargin;
  }

  public Variant variant() {
    return variant;
  }

  @Override
  public boolean needsIdentityBatches() {
    return true;
  }

  @Override
  public LossOutput build(LossInputs in) {
    Ops tf = in.layers().tf().withSubScope("TripletLoss");
    return switch (variant) {
      case BATCH_HARD -> batchHard(tf, in.embeddings(), in.labels(), margin, squared, softMargin);
      case BATCH_ALL -> batchAll(tf, in.embeddings(), in.labels(), margin, squared);
      case SEMI_HARD -> semiHard(tf, in.embeddings(), in.labels(), margin, squared);
    };
  }

  /**
   * Batch-hard triplet loss. Diagnostics: fraction_active_triplets (valid anchors with a positive hinge; with
   * the soft margin, with hp > hn), mean_hardest_positive_distance, mean_hardest_negative_distance.
   */
  public static LossOutput batchHard(Ops tf, Operand<TFloat32> embeddings, Operand<TInt32> labels, float margin,
      boolean squared, boolean softMargin) {
    Operand<TFloat32> d = PairwiseDistances.compute(tf, embeddings, squared);
    TripletMiners.BatchHard m = TripletMiners.batchHard(tf, d, labels);
    // Mask the invalid anchors first so the +-BIG fills never reach the arithmetic below.
    Operand<TBool> v = m.validAnchors();
    Operand<TFloat32> hp = tf.select(v, m.hardestPositive(), tf.zerosLike(m.hardestPositive()));
    Operand<TFloat32> hn = tf.select(v, m.hardestNegative(), tf.zerosLike(m.hardestNegative()));
    Operand<TFloat32> diff = tf.math.sub(hp, hn);
    Operand<TFloat32> perAnchor;
    Operand<TBool> active;
    if (softMargin) {
      perAnchor = tf.math.softplus(diff); // L_a = log(1 + exp(hp_a - hn_a))
      active = tf.math.greater(diff, tf.constant(0f));
    } else {
      perAnchor = tf.math.maximum(tf.math.add(diff, tf.constant(margin)), tf.constant(0f)); // L_a = max(hp_a - hn_a + m, 0)
      active = tf.math.greater(perAnchor, tf.constant(0f));
    }
    // L = mean over valid anchors of L_a (0 if none)
    Operand<TFloat32> loss = PairwiseDistances.maskedMean(tf, perAnchor, v);
    return new LossOutput(loss, Map.of(
        "fraction_active_triplets", fraction(tf, tf.math.logicalAnd(active, v), v),
        "mean_hardest_positive_distance", PairwiseDistances.maskedMean(tf, hp, v),
        "mean_hardest_negative_distance", PairwiseDistances.maskedMean(tf, hn, v)), List.of());
  }

  /**
   * Batch-all triplet loss: the mean of the positive triplet losses (omoindrot). Diagnostics:
   * fraction_positive_triplets (of the valid ones).
   */
  public static LossOutput batchAll(Ops tf, Operand<TFloat32> embeddings, Operand<TInt32> labels, float margin,
      boolean squared) {
    Operand<TFloat32> d = PairwiseDistances.compute(tf, embeddings, squared);
    TripletMiners.BatchAll m = TripletMiners.batchAll(tf, d, labels);
    // L_apn = max(d(a,p) - d(a,n) + m, 0) over valid (a,p,n)
    Operand<TFloat32> l = tf.math.maximum(
        tf.math.add(tf.math.sub(m.positiveDistance(), m.negativeDistance()), tf.constant(margin)), tf.constant(0f));
    Operand<TBool> positive = tf.math.logicalAnd(m.validTriplets(), tf.math.greater(l, tf.constant(0f)));
    // L = sum L_apn / #{L_apn > 0} (0 if none)
    Operand<TFloat32> loss = PairwiseDistances.maskedMean(tf, l, positive);
    return new LossOutput(loss, Map.of("fraction_positive_triplets", fraction(tf, positive, m.validTriplets())),
        List.of());
  }

  /**
   * Semi-hard triplet loss over all anchor-positive pairs (negative selection: {@link TripletMiners#semiHard}).
   * Diagnostics: fraction_active_triplets, mean_positive_distance, mean_negative_distance (of the selected).
   */
  public static LossOutput semiHard(Ops tf, Operand<TFloat32> embeddings, Operand<TInt32> labels, float margin,
      boolean squared) {
    Operand<TFloat32> d = PairwiseDistances.compute(tf, embeddings, squared);
    TripletMiners.SemiHard m = TripletMiners.semiHard(tf, d, labels);
    Operand<TBool> v = m.validPairs();
    Operand<TFloat32> dn = tf.select(v, m.negativeDistance(), tf.zerosLike(m.negativeDistance()));
    // L_ap = max(d(a,p) - d(a,n*) + m, 0); L = mean over valid (a,p) (0 if none)
    Operand<TFloat32> l = tf.math.maximum(
        tf.math.add(tf.math.sub(m.positiveDistance(), dn), tf.constant(margin)), tf.constant(0f));
    Operand<TFloat32> loss = PairwiseDistances.maskedMean(tf, l, v);
    Operand<TBool> active = tf.math.logicalAnd(v, tf.math.greater(l, tf.constant(0f)));
    return new LossOutput(loss, Map.of(
        "fraction_active_triplets", fraction(tf, active, v),
        "mean_positive_distance", PairwiseDistances.maskedMean(tf, m.positiveDistance(), v),
        "mean_negative_distance", PairwiseDistances.maskedMean(tf, dn, v)), List.of());
  }

  /** #part / #whole, 0 when whole is empty. */
  static Operand<TFloat32> fraction(Ops tf, Operand<TBool> part, Operand<TBool> whole) {
    return tf.math.div(PairwiseDistances.count(tf, part),
        tf.math.maximum(PairwiseDistances.count(tf, whole), tf.constant(1f)));
  }
}
