package org.facenet.loss;

import java.util.List;
import java.util.Map;
import org.facenet.nn.Activation;
import org.facenet.nn.EmbeddingModel;
import org.facenet.nn.Initializer;
import org.facenet.nn.Layers;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * L2-constrained softmax (Ranjan et al.): L = CE(W (alpha x / ||x||) + b, y), the prelogits rescaled to radius
 * alpha, then the ordinary "Logits" layer. alpha is fixed, or (learnAlpha) a trainable scalar
 * {@code L2Softmax/alpha} initialised to it.
 */
public final class L2SoftmaxLoss implements Loss {

  private final float alpha;
  private final boolean learnAlpha;

  public L2SoftmaxLoss(float alpha, boolean learnAlpha) {
    this.alpha = alpha;
    this.learnAlpha = learnAlpha;
  }

  public L2SoftmaxLoss(LossOptions options) {
    this(options.l2SoftmaxAlpha(), options.learnAlpha());
  }

  /**
   * The paper's lower bound on alpha for the softmax to reach probability {@code p} on one of
   * {@code numClasses} classes: log(p (C - 2) / (1 - p)).
   */
  public static double lowerBound(double p, int numClasses) {
    if (!(p > 0 && p < 1)) throw new IllegalArgumentException("p must be in (0, 1): " + p);
    if (numClasses < 3) throw new IllegalArgumentException("the bound needs at least 3 classes: " + numClasses);
    return Math.log(p * (numClasses - 2) / (1 - p));
  }

  /** alpha x / ||x|| row-wise (||x|| floored at 1e-5 as tf.nn.l2_normalize's epsilon 1e-10 on the square). */
  public static Operand<TFloat32> scale(Ops tf, Operand<TFloat32> x, Operand<TFloat32> alpha) {
    return tf.math.mul(alpha, EmbeddingModel.l2Normalize(tf, x, 1e-10f));
  }

  /** The feature radius: a constant, or the trainable {@code L2Softmax/alpha} below {@code layers}. */
  public Operand<TFloat32> alpha(Layers layers) {
    return learnAlpha ? layers.in("L2Softmax").variable("alpha", new long[0], Initializer.constant(alpha))
        : layers.tf().constant(alpha);
  }

  @Override
  public LossOutput build(LossInputs in) {
    Ops tf = in.layers().tf();
    Operand<TFloat32> a = alpha(in.layers());
    Operand<TFloat32> logits = in.layers().dense("Logits", scale(tf, in.prelogits(), a), in.numClasses(), false,
        Activation.NONE);
    return new LossOutput(SoftmaxLoss.crossEntropy(tf, logits, in.labels(), in.numClasses()),
        Map.of("accuracy", SoftmaxLoss.accuracy(tf, logits, in.labels()), "alpha", tf.identity(a)), List.of());
  }
}
