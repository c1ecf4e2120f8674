package org.facenet.cli;

import org.facenet.loss.LossOptions;
import picocli.CommandLine.Option;

/** The loss hyper-parameters of facenet-train, defaults from the reference implementations. */
final class LossFlags {

  private static final LossOptions D = LossOptions.defaults();

  @Range(min = 0)
  @Option(names = "--margin", paramLabel = "M", description = "Triplet/contrastive margin (default: ${DEFAULT-VALUE}).")
  float margin = D.margin();

  @Option(names = "--squared-distance", description = "Triplet losses on squared Euclidean distances (FaceNet) instead of plain.")
  boolean squared = D.squared();

  @Option(names = "--soft-margin", description = "Batch-hard triplet with softplus(hp - hn) instead of the hinge.")
  boolean softMargin = D.softMargin();

  @Range(min = 0)
  @Option(names = "--center-loss-factor", paramLabel = "F", description = "Weight of the center-loss term (default: ${DEFAULT-VALUE}).")
  float centerLossFactor = D.centerLossFactor();

  @Range(min = 0, max = 1)
  @Option(names = "--center-loss-alfa", paramLabel = "A",
      description = "Center update rate: c <- c - (1 - alfa)(c - x) (default: ${DEFAULT-VALUE}).")
  float centerLossAlfa = D.centerLossAlfa();

  @Range(min = 0, minExclusive = true)
  @Option(names = "--scale", paramLabel = "S",
      description = "s of am-softmax/cosface/arcface (default: the loss's own: 30 am-softmax, 64 cosface and arcface).")
  Float scale = D.scale();

  @Range(min = 0, max = Math.PI)
  @Option(names = "--angular-margin", paramLabel = "M",
      description = "m of am-softmax/cosface (cosine, 0.35) or arcface (angle, 0.5) (default: the loss's own).")
  Float angularMargin = D.angularMargin();

  @Range(min = 0, minExclusive = true)
  @Option(names = "--l2-softmax-alpha", paramLabel = "A", description = "L2-softmax feature radius (default: ${DEFAULT-VALUE}).")
  float alpha = D.l2SoftmaxAlpha();

  @Option(names = "--learn-alpha", description = "L2-softmax: train alpha, starting from --l2-softmax-alpha.")
  boolean learnAlpha = D.learnAlpha();

  @Range(min = 0)
  @Option(names = "--prelogits-norm-factor", paramLabel = "F",
      description = "Weight of the prelogits norm penalty, 0 off (default: 5e-4 with --data, facenet's published "
          + "models; 0 in the synthetic preset).")
  Float prelogitsNormFactor;

  @Range(min = 0, minExclusive = true)
  @Option(names = "--prelogits-norm-p", paramLabel = "P", description = "p of that norm (default: ${DEFAULT-VALUE}).")
  float prelogitsNormP = D.prelogitsNormP();

  /** The options, with unset ones taken from {@code preset}. */
  LossOptions toOptions(Preset preset) {
    return new LossOptions(margin, squared, softMargin, centerLossFactor, centerLossAlfa, scale, angularMargin, alpha,
        learnAlpha, prelogitsNormFactor != null ? prelogitsNormFactor : preset.prelogitsNormFactor(), prelogitsNormP);
  }
}
