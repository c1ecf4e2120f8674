package org.facenet.loss;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The distance part of the metric losses (pytorch-metric-learning's "distances"): the [N, N] Euclidean
 * distance matrix of a batch of embeddings, the label masks the miners select with, and masked reductions.
 * Batch sizes may be dynamic (the first dimension of the embeddings / labels is read at run time).
 */
public final class PairwiseDistances {

  /** Added under the square root where the squared distance is exactly 0 (then zeroed): finite gradients. */
  static final float SQRT_GUARD = 1e-16f;
  /** Fill value of masked-out entries in masked min / max. */
  static final float BIG = 1e30f;

  private PairwiseDistances() {}

  /** Squared or plain Euclidean distance matrix [N, N] of [N, D] embeddings. */
  public static Operand<TFloat32> compute(Ops tf, Operand<TFloat32> embeddings, boolean squared) {
    Operand<TFloat32> d2 = squaredEuclidean(tf, embeddings);
    return squared ? d2 : sqrtGuarded(tf, d2);
  }

  /**
   * d2(i,j) = g_ii - 2 g_ij + g_jj with the Gram matrix g = X X^T, clamped at 0, diagonal exactly 0. The
   * squared norms are read from the Gram matrix's own diagonal, so identical rows give exactly 0.
   */
  public static Operand<TFloat32> squaredEuclidean(Ops tf, Operand<TFloat32> embeddings) {
    Operand<TFloat32> gram = tf.linalg.matMul(embeddings, embeddings, MatMul.transposeB(true));
    Operand<TInt32> n = tf.gather(tf.shape(tf.stopGradient(embeddings)), tf.constant(0), tf.constant(0));
    Operand<TBool> eye = identity(tf, n);
    Operand<TFloat32> zeros = tf.zerosLike(gram);
    Operand<TFloat32> norms = tf.sum(tf.select(eye, gram, zeros), tf.constant(1)); // [N] = diag(g)
    Operand<TFloat32> d2 = tf.math.add(
        tf.math.sub(tf.expandDims(norms, tf.constant(1)), tf.math.mul(tf.constant(2f), gram)),
        tf.expandDims(norms, tf.constant(0)));
    d2 = tf.math.maximum(d2, tf.constant(0f));
    return tf.select(eye, zeros, d2);
  }

  /**
   * Plain Euclidean distances from squared ones: d = sqrt(d2 + eps [d2 == 0]) (1 - [d2 == 0]) (omoindrot's
   * guard). Where d2 = 0 (diagonal, duplicate embeddings) d is exactly 0 and its gradient is 0 instead of
   * 0 * inf = NaN. (TF 2.18's SqrtGrad already maps a zero upstream gradient to 0; the guard keeps the
   * result independent of that kernel detail.)
   */
  public static Operand<TFloat32> sqrtGuarded(Ops tf, Operand<TFloat32> d2) {
    Operand<TFloat32> zero = tf.dtypes.cast(tf.math.equal(d2, tf.constant(0f)), TFloat32.class);
    Operand<TFloat32> d = tf.math.sqrt(tf.math.add(d2, tf.math.mul(zero, tf.constant(SQRT_GUARD))));
    return tf.math.mul(d, tf.math.sub(tf.constant(1f), zero));
  }

  /** 0..n-1 as a [n] vector. */
  public static Operand<TInt32> indices(Ops tf, Operand<TInt32> n) {
    return tf.range(tf.constant(0), n, tf.constant(1));
  }

  /** The [n, n] identity mask i == j. */
  public static Operand<TBool> identity(Ops tf, Operand<TInt32> n) {
    Operand<TInt32> idx = indices(tf, n);
    return tf.math.equal(tf.expandDims(idx, tf.constant(1)), tf.expandDims(idx, tf.constant(0)));
  }

  /** [N, N] mask i < j (each unordered pair once). */
  public static Operand<TBool> upperTriangle(Ops tf, Operand<TInt32> labels) {
    Operand<TInt32> idx = indices(tf, tf.size(labels));
    return tf.math.less(tf.expandDims(idx, tf.constant(1)), tf.expandDims(idx, tf.constant(0)));
  }

  /** [N, N] mask labels[i] == labels[j] (diagonal included). */
  public static Operand<TBool> sameLabel(Ops tf, Operand<TInt32> labels) {
    return tf.math.equal(tf.expandDims(labels, tf.constant(1)), tf.expandDims(labels, tf.constant(0)));
  }

  /** [N, N] anchor-positive mask: same label, i != j. */
  public static Operand<TBool> positiveMask(Ops tf, Operand<TInt32> labels) {
    return tf.math.logicalAnd(sameLabel(tf, labels), tf.math.logicalNot(identity(tf, tf.size(labels))));
  }

  /** [N, N] anchor-negative mask: different labels. */
  public static Operand<TBool> negativeMask(Ops tf, Operand<TInt32> labels) {
    return tf.math.logicalNot(sameLabel(tf, labels));
  }

  /** Whether each row of a mask has a true entry along {@code axis}. */
  public static Operand<TBool> any(Ops tf, Operand<TBool> mask, int axis) {
    return tf.any(mask, tf.constant(axis));
  }

  /** Max of x over axis among mask entries; -BIG in rows without one. x and mask have the same shape. */
  public static Operand<TFloat32> maskedMax(Ops tf, Operand<TFloat32> x, Operand<TBool> mask, int axis) {
    return tf.max(tf.select(mask, x, tf.fill(tf.shape(x), tf.constant(-BIG))), tf.constant(axis));
  }

  /** Min of x over axis among mask entries; +BIG in rows without one. x and mask have the same shape. */
  public static Operand<TFloat32> maskedMin(Ops tf, Operand<TFloat32> x, Operand<TBool> mask, int axis) {
    return tf.min(tf.select(mask, x, tf.fill(tf.shape(x), tf.constant(BIG))), tf.constant(axis));
  }

  /** Number of true entries of a mask, as a float scalar. */
  public static Operand<TFloat32> count(Ops tf, Operand<TBool> mask) {
    return tf.sum(tf.reshape(tf.dtypes.cast(mask, TFloat32.class), tf.constant(new int[] {-1})), tf.constant(0));
  }

  /** Mean of x over the mask's true entries (any shape, same for both); 0 when the mask is empty. */
  public static Operand<TFloat32> maskedMean(Ops tf, Operand<TFloat32> x, Operand<TBool> mask) {
    Operand<TFloat32> sum = tf.sum(tf.reshape(tf.select(mask, x, tf.zerosLike(x)), tf.constant(new int[] {-1})),
        tf.constant(0));
    return tf.math.div(sum, tf.math.maximum(count(tf, mask), tf.constant(1f)));
  }

  /** Broadcasts x to the shape of x + like (through an Add, whose gradient reduces the broadcast). */
  static Operand<TFloat32> broadcastLike(Ops tf, Operand<TFloat32> x, Operand<TFloat32> like) {
    return tf.math.add(x, tf.zerosLike(like));
  }
}
