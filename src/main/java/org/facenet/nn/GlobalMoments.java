package org.facenet.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Per-channel moments of an NHWC tensor over the global batch of every replica (synchronised batch norm): the
 * per-channel sum, sum of squares and count of this replica's batch are summed over the replicas in one
 * {@link CrossReplicaSum} of 2C + 1 floats (as Keras's SyncBatchNormalization gathers them). The sums are of
 * {@code x - shift} for a per-channel shift equal on every replica (the moving mean, as
 * {@code tf.nn.sufficient_statistics}' shift): the moments are the same for any shift, and one near the mean keeps
 * the variance Q / n - mean^2 from cancelling in float32. Differentiable through the sum, so a loss's gradient is the
 * global batch's.
 *
 * @param mean     shift + S / n
 * @param variance the biased variance Q / n - (S / n)^2 (clamped at 0), which normalises, as FusedBatchNorm's does
 * @param unbiased n / (n - 1) times it, which updates the moving variance, as FusedBatchNorm's batch_variance does
 */
record GlobalMoments(Operand<TFloat32> mean, Operand<TFloat32> variance, Operand<TFloat32> unbiased) {

  static GlobalMoments of(Ops tf, Operand<TFloat32> in, Operand<TFloat32> shift, CrossReplicaSum crossReplica) {
    int c = Math.toIntExact(Layers.channels(in));
    Operand<TInt32> axes = tf.constant(new int[] {0, 1, 2});
    // a copy (Snapshot): a ref variable's read aliases its buffer, and the moving-mean update of this step may run
    // before the backward pass reads k again (then the mean k + S / n of the backward pass is not the forward's)
    Operand<TFloat32> k = tf.stopGradient(tf.snapshot(shift));
    Operand<TFloat32> centred = tf.math.sub(in, k);
    // The count carries no gradient (it depends on the shape alone).
    Operand<TFloat32> count = tf.stopGradient(tf.reshape(tf.math.div(tf.dtypes.cast(tf.size(in), TFloat32.class),
        tf.constant((float) c)), tf.constant(new int[] {1})));
    Operand<TFloat32> local = tf.concat(List.of(tf.sum(centred, axes), tf.sum(tf.math.square(centred), axes), count),
        tf.constant(0));
    Operand<TFloat32> global = crossReplica.sum(tf, local);
    Operand<TFloat32> n = slice(tf, global, 2 * c, 1);
    Operand<TFloat32> shifted = tf.math.div(slice(tf, global, 0, c), n);
    Operand<TFloat32> meanOfSquares = tf.math.div(slice(tf, global, c, c), n);
    Operand<TFloat32> variance = tf.math.maximum(tf.math.sub(meanOfSquares, tf.math.square(shifted)), tf.constant(0f));
    Operand<TFloat32> bessel = tf.math.div(n, tf.math.maximum(tf.math.sub(n, tf.constant(1f)), tf.constant(1f)));
    return new GlobalMoments(tf.math.add(shifted, k), variance, tf.math.mul(variance, bessel));
  }

  private static Operand<TFloat32> slice(Ops tf, Operand<TFloat32> v, int begin, int size) {
    return tf.slice(v, tf.constant(new int[] {begin}), tf.constant(new int[] {size}));
  }
}
