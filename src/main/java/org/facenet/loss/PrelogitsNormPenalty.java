package org.facenet.loss;

import java.util.HashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A loss plus facenet's prelogits norm penalty: L = inner + factor * (1/N) sum_i ||x_i||_p on the prelogits,
 * reported as the diagnostic {@code prelogits_norm}. With factor <= 0 the inner loss is returned untouched.
 *
 * <p>facenet computes {@code tf.norm(tf.abs(prelogits) + 1e-4, ord=p, axis=1)}; here the norm is exact, with
 * the p-th root's argument floored at 1e-12 for p != 1 so the gradient at a zero row stays finite.
 */
public final class PrelogitsNormPenalty implements Loss {

  private final Loss inner;
  private final float factor;
  private final float p;

  public PrelogitsNormPenalty(Loss inner, float factor, float p) {
    if (!(p > 0)) throw new IllegalArgumentException("norm order p must be > 0: " + p);
    this.inner = inner;
    this.factor = factor;
    this.p = p;
  }

  /** {@code inner} with the penalty of {@code options}, or {@code inner} itself when the factor is not positive. */
  public static Loss wrap(Loss inner, LossOptions options) {
    return options.prelogitsNormFactor() > 0
        ? new PrelogitsNormPenalty(inner, options.prelogitsNormFactor(), options.prelogitsNormP()) : inner;
  }

  public Loss inner() {
    return inner;
  }

  @Override
  public boolean needsIdentityBatches() {
    return inner.needsIdentityBatches();
  }

  @Override
  public LossOutput build(LossInputs in) {
    LossOutput base = inner.build(in);
    if (!(factor > 0)) return base;
    Ops tf = in.layers().tf();
    Operand<TFloat32> norm = meanNorm(tf, in.prelogits(), p);
    Map<String, Operand<TFloat32>> diagnostics = new HashMap<>(base.diagnostics());
    diagnostics.put("prelogits_norm", norm);
    return new LossOutput(tf.math.add(base.loss(), tf.math.mul(tf.constant(factor), norm)), diagnostics,
        base.updates());
  }

  /** (1/N) sum_i ||x_i||_p over the rows of x [N, D]. */
  public static Operand<TFloat32> meanNorm(Ops tf, Operand<TFloat32> x, float p) {
    Operand<TFloat32> norms;
    if (p == 1f) {
      norms = tf.sum(tf.math.abs(x), tf.constant(1));
    } else if (p == 2f) {
      norms = tf.math.sqrt(tf.math.maximum(tf.sum(tf.math.square(x), tf.constant(1)), tf.constant(1e-12f)));
    } else {
      Operand<TFloat32> s = tf.sum(tf.math.pow(tf.math.abs(x), tf.constant(p)), tf.constant(1));
      norms = tf.math.pow(tf.math.maximum(s, tf.constant(1e-12f)), tf.constant(1f / p));
    }
    return tf.math.mean(norms, tf.constant(0));
  }
}
