package org.facenet.loss;

import java.util.Properties;

/**
 * Every loss's hyper-parameters, with the reference implementations' defaults (REFERENCE.md). A loss reads
 * the ones it uses; {@code facenet-train} exposes each as a flag and a run saves them for --resume.
 *
 * @param margin              triplet / contrastive margin (0.2, FaceNet's alpha)
 * @param squared             triplet distances squared (FaceNet) instead of plain Euclidean (batch-hard default)
 * @param softMargin          batch-hard soft margin: softplus(hp - hn) instead of the hinge
 * @param centerLossFactor    weight of the center-loss term (facenet's center_loss_factor)
 * @param centerLossAlfa      center update rate as in facenet: c <- c - (1 - alfa)(c - x)
 * @param scale               s of the normalised-softmax family (AM-softmax 30, CosFace/ArcFace 64)
 * @param angularMargin       m of AM-softmax/CosFace (additive cosine, 0.35) or ArcFace (additive angle, 0.5)
 * @param l2SoftmaxAlpha      L2-softmax feature radius alpha
 * @param learnAlpha          L2-softmax: alpha is a trained variable initialised to l2SoftmaxAlpha
 * @param prelogitsNormFactor weight of the prelogits norm penalty (0: off)
 * @param prelogitsNormP      the norm's p (1 in facenet)
 */
public record LossOptions(float margin, boolean squared, boolean softMargin, float centerLossFactor,
    float centerLossAlfa, Float scale, Float angularMargin, float l2SoftmaxAlpha, boolean learnAlpha,
    float prelogitsNormFactor, float prelogitsNormP) {

  public static LossOptions defaults() {
    return new LossOptions(0.2f, false, false, 0.01f, 0.95f, null, null, 16f, false, 0f, 1f);
  }

  public void store(Properties p) {
    p.setProperty("loss.margin", Float.toString(margin));
    p.setProperty("loss.squared", Boolean.toString(squared));
    p.setProperty("loss.soft_margin", Boolean.toString(softMargin));
    p.setProperty("loss.center_loss_factor", Float.toString(centerLossFactor));
    p.setProperty("loss.center_loss_alfa", Float.toString(centerLossAlfa));
    if (scale != null) p.setProperty("loss.scale", Float.toString(scale));
    if (angularMargin != null) p.setProperty("loss.angular_margin", Float.toString(angularMargin));
    p.setProperty("loss.l2_softmax_alpha", Float.toString(l2SoftmaxAlpha));
    p.setProperty("loss.learn_alpha", Boolean.toString(learnAlpha));
    p.setProperty("loss.prelogits_norm_factor", Float.toString(prelogitsNormFactor));
    p.setProperty("loss.prelogits_norm_p", Float.toString(prelogitsNormP));
  }

  /** Reads what {@link #store} wrote; missing keys take the defaults. */
  public static LossOptions load(Properties p) {
    LossOptions d = defaults();
    String s = p.getProperty("loss.scale");
    String m = p.getProperty("loss.angular_margin");
    return new LossOptions(f(p, "loss.margin", d.margin), b(p, "loss.squared", d.squared),
        b(p, "loss.soft_margin", d.softMargin), f(p, "loss.center_loss_factor", d.centerLossFactor),
        f(p, "loss.center_loss_alfa", d.centerLossAlfa), s == null ? null : Float.parseFloat(s),
        m == null ? null : Float.parseFloat(m), f(p, "loss.l2_softmax_alpha", d.l2SoftmaxAlpha),
        b(p, "loss.learn_alpha", d.learnAlpha), f(p, "loss.prelogits_norm_factor", d.prelogitsNormFactor),
        f(p, "loss.prelogits_norm_p", d.prelogitsNormP));
  }

  private static float f(Properties p, String k, float d) {
    String v = p.getProperty(k);
    return v == null ? d : Float.parseFloat(v);
  }

  private static boolean b(Properties p, String k, boolean d) {
    String v = p.getProperty(k);
    return v == null ? d : Boolean.parseBoolean(v);
  }
}
