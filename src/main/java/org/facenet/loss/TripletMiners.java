package org.facenet.loss;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Online triplet mining on a [N, N] distance matrix (pytorch-metric-learning's "miners"), inside the graph.
 * Each miner returns the distances it selected and the mask of what is valid; the loss formulas live in
 * {@link TripletLoss}. Gradients flow through the selected distances (Max/Min/SelectV2), not the masks.
 */
public final class TripletMiners {

  private TripletMiners() {}

  /**
   * Batch-hard selection (Hermans et al.): per anchor a, hardestPositive[a] = max_{p: y_p = y_a, p != a} d(a,p),
   * hardestNegative[a] = min_{n: y_n != y_a} d(a,n); validAnchors[a] = a has at least one of each. [N] each.
   */
  public record BatchHard(Operand<TFloat32> hardestPositive, Operand<TFloat32> hardestNegative,
      Operand<TBool> validAnchors) {}

  /**
   * Batch-all selection: every triplet (a, p, n) with y_p = y_a, p != a, y_n != y_a. positiveDistance is
   * d(a,p) broadcast to [N, N, N] (index [a][p][n]), negativeDistance is d(a,n) likewise; validTriplets [N, N, N].
   */
  public record BatchAll(Operand<TFloat32> positiveDistance, Operand<TFloat32> negativeDistance,
      Operand<TBool> validTriplets) {}

  /**
   * Semi-hard selection, one negative per anchor-positive pair: positiveDistance d(a,p) [N, N] and the
   * selected negativeDistance [N, N]; validPairs [N, N] = p is a positive of a and a has a negative.
   */
  public record SemiHard(Operand<TFloat32> positiveDistance, Operand<TFloat32> negativeDistance,
      Operand<TBool> validPairs) {}

  /** Batch-hard mining. */
  public static BatchHard batchHard(Ops tf, Operand<TFloat32> distances, Operand<TInt32> labels) {
    Operand<TBool> pos = PairwiseDistances.positiveMask(tf, labels);
    Operand<TBool> neg = PairwiseDistances.negativeMask(tf, labels);
    Operand<TFloat32> hp = PairwiseDistances.maskedMax(tf, distances, pos, 1);
    Operand<TFloat32> hn = PairwiseDistances.maskedMin(tf, distances, neg, 1);
    Operand<TBool> valid = tf.math.logicalAnd(PairwiseDistances.any(tf, pos, 1), PairwiseDistances.any(tf, neg, 1));
    return new BatchHard(hp, hn, valid);
  }

  /** Batch-all mining: all valid triplets. Memory is N^3 floats (90^3 = 729k: fine). */
  public static BatchAll batchAll(Ops tf, Operand<TFloat32> distances, Operand<TInt32> labels) {
    Operand<TBool> pos = PairwiseDistances.positiveMask(tf, labels);
    Operand<TBool> neg = PairwiseDistances.negativeMask(tf, labels);
    Operand<TFloat32> dap = tf.expandDims(distances, tf.constant(2)); // [a, p, 1]
    Operand<TFloat32> dan = tf.expandDims(distances, tf.constant(1)); // [a, 1, n]
    Operand<TBool> valid = tf.math.logicalAnd(tf.expandDims(pos, tf.constant(2)), tf.expandDims(neg, tf.constant(1)));
    return new BatchAll(PairwiseDistances.broadcastLike(tf, dap, dan), PairwiseDistances.broadcastLike(tf, dan, dap),
        valid);
  }

  /**
   * Semi-hard mining as TF-addons' triplet_semihard_loss (FaceNet rule, documented there as "If no such
   * negative exists, uses the largest negative distance instead"): for each anchor-positive pair, the negative
   * is the smallest d(a,n) with d(a,n) > d(a,p). That is the hardest semi-hard negative
   * (d(a,p) < d(a,n) < d(a,p) + margin) when one exists, otherwise the hardest negative farther than the
   * positive (beyond the margin: zero loss). When no negative is farther than the positive, it falls back to
   * the largest d(a,n) over all negatives of a (the easiest of the hard negatives). The margin is therefore
   * not needed for the selection.
   */
  public static SemiHard semiHard(Ops tf, Operand<TFloat32> distances, Operand<TInt32> labels) {
    Operand<TBool> pos = PairwiseDistances.positiveMask(tf, labels);
    Operand<TBool> neg = PairwiseDistances.negativeMask(tf, labels);
    Operand<TFloat32> dap = tf.expandDims(distances, tf.constant(2)); // [a, p, 1]
    Operand<TFloat32> dan = tf.expandDims(distances, tf.constant(1)); // [a, 1, n]
    Operand<TFloat32> danFull = PairwiseDistances.broadcastLike(tf, dan, dap); // [a, p, n] = d(a,n)
    Operand<TBool> outside = tf.math.logicalAnd(tf.expandDims(neg, tf.constant(1)), tf.math.greater(dan, dap));
    Operand<TFloat32> nearestOutside = PairwiseDistances.maskedMin(tf, danFull, outside, 2); // [a, p]
    Operand<TFloat32> farthest = tf.expandDims(PairwiseDistances.maskedMax(tf, distances, neg, 1), tf.constant(1));
    Operand<TFloat32> inside = PairwiseDistances.broadcastLike(tf, farthest, distances); // [a, p]
    Operand<TFloat32> dn = tf.select(PairwiseDistances.any(tf, outside, 2), nearestOutside, inside);
    Operand<TBool> valid = tf.math.logicalAnd(pos, tf.expandDims(PairwiseDistances.any(tf, neg, 1), tf.constant(1)));
    return new SemiHard(distances, dn, valid);
  }
}
