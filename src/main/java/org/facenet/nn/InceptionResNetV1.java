package org.facenet.nn;

import static org.facenet.nn.Padding.VALID;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * FaceNet's Inception-ResNet-v1 (Szegedy et al. 2016, arXiv:1602.07261), with the variable layout of
 * davidsandberg/facenet: stem, 5 x block35, reduction A, 10 x block17, reduction B, 5 x block8, a
 * final block8 without activation, average pool, dropout and a bottleneck with batch norm.
 * Channel counts scale with {@link BackboneConfig#width()} and repeats with {@link BackboneConfig#depth()}.
 */
public final class InceptionResNetV1 implements Backbone {

  public static final String SCOPE = "InceptionResnetV1";

  private BackboneConfig cfg;

  @Override
  public String name() {
    return "inception-resnet-v1";
  }

  @Override
  public int defaultImageSize() {
    return 160;
  }

  @Override
  public String reference() {
    return "reference: davidsandberg/facenet src/models/inception_resnet_v1.py; about 23.47 M parameters at 512-D, "
        + "22.78 M at 128-D (REFERENCE.md)";
  }

  @Override
  public int minImageSize() {
    return 75;
  }

  @Override
  public Operand<TFloat32> build(Layers layers, Operand<TFloat32> images, BackboneConfig config) {
    this.cfg = config;
    Layers l = layers.in(SCOPE);
    Operand<TFloat32> net = stem(l, images);
    for (int i = 1; i <= cfg.repeats(5); i++) net = block35(l.in("Repeat/block35_" + i), net, 0.17f, true);
    net = reductionA(l.in("Mixed_6a"), net, c(192), c(192), c(256), c(384));
    for (int i = 1; i <= cfg.repeats(10); i++) net = block17(l.in("Repeat_1/block17_" + i), net, 0.10f);
    net = reductionB(l.in("Mixed_7a"), net);
    for (int i = 1; i <= cfg.repeats(5); i++) net = block8(l.in("Repeat_2/block8_" + i), net, 0.20f, true);
    net = block8(l.in("Block8"), net, 1.0f, false);
    net = l.globalAvgPool(net);
    net = l.dropout(net, cfg.keepProbability());
    return l.dense("Bottleneck", net, cfg.embeddingSize(), true, Activation.NONE);
  }

  /** 160 x 160 x 3 -> 17 x 17 x 256. */
  private Operand<TFloat32> stem(Layers l, Operand<TFloat32> net) {
    net = l.conv("Conv2d_1a_3x3", net, c(32), 3, 2, VALID);
    net = l.conv("Conv2d_2a_3x3", net, c(32), 3, 1, VALID);
    net = l.conv("Conv2d_2b_3x3", net, c(64), 3);
    net = l.maxPool(net, 3, 2, VALID);
    net = l.conv("Conv2d_3b_1x1", net, c(80), 1, 1, VALID);
    net = l.conv("Conv2d_4a_3x3", net, c(192), 3, 1, VALID);
    return l.conv("Conv2d_4b_3x3", net, c(256), 3, 2, VALID);
  }

  /** Inception-ResNet-A: three branches (1x1; 1x1-3x3; 1x1-3x3-3x3), a linear 1x1 up-projection, a scaled residual. */
  private Operand<TFloat32> block35(Layers l, Operand<TFloat32> net, float scale, boolean relu) {
    Operand<TFloat32> b0 = l.in("Branch_0").conv("Conv2d_1x1", net, c(32), 1);
    Layers l1 = l.in("Branch_1");
    Operand<TFloat32> b1 = l1.conv("Conv2d_0b_3x3", l1.conv("Conv2d_0a_1x1", net, c(32), 1), c(32), 3);
    Layers l2 = l.in("Branch_2");
    Operand<TFloat32> b2 = l2.conv("Conv2d_0a_1x1", net, c(32), 1);
    b2 = l2.conv("Conv2d_0b_3x3", b2, c(32), 3);
    b2 = l2.conv("Conv2d_0c_3x3", b2, c(32), 3);
    return residual(l, net, l.concatChannels(b0, b1, b2), scale, relu);
  }

  /** Inception-ResNet-B: 1x1; 1x1-1x7-7x1. */
  private Operand<TFloat32> block17(Layers l, Operand<TFloat32> net, float scale) {
    Operand<TFloat32> b0 = l.in("Branch_0").conv("Conv2d_1x1", net, c(128), 1);
    Layers l1 = l.in("Branch_1");
    Operand<TFloat32> b1 = l1.conv("Conv2d_0a_1x1", net, c(128), 1);
    b1 = l1.conv("Conv2d_0b_1x7", b1, c(128), 1, 7, 1, Padding.SAME, true, Activation.RELU);
    b1 = l1.conv("Conv2d_0c_7x1", b1, c(128), 7, 1, 1, Padding.SAME, true, Activation.RELU);
    return residual(l, net, l.concatChannels(b0, b1), scale, true);
  }

  /** Inception-ResNet-C: 1x1; 1x1-1x3-3x1. */
  private Operand<TFloat32> block8(Layers l, Operand<TFloat32> net, float scale, boolean relu) {
    Operand<TFloat32> b0 = l.in("Branch_0").conv("Conv2d_1x1", net, c(192), 1);
    Layers l1 = l.in("Branch_1");
    Operand<TFloat32> b1 = l1.conv("Conv2d_0a_1x1", net, c(192), 1);
    b1 = l1.conv("Conv2d_0b_1x3", b1, c(192), 1, 3, 1, Padding.SAME, true, Activation.RELU);
    b1 = l1.conv("Conv2d_0c_3x1", b1, c(192), 3, 1, 1, Padding.SAME, true, Activation.RELU);
    return residual(l, net, l.concatChannels(b0, b1), scale, relu);
  }

  /** 35 x 35 -> 17 x 17 (k, l, m, n = 192, 192, 256, 384): 3x3/2; 1x1-3x3-3x3/2; maxpool 3x3/2. */
  private Operand<TFloat32> reductionA(Layers l, Operand<TFloat32> net, int k, int lw, int m, int n) {
    Operand<TFloat32> b0 = l.in("Branch_0").conv("Conv2d_1a_3x3", net, n, 3, 2, VALID);
    Layers l1 = l.in("Branch_1");
    Operand<TFloat32> b1 = l1.conv("Conv2d_0a_1x1", net, k, 1);
    b1 = l1.conv("Conv2d_0b_3x3", b1, lw, 3);
    b1 = l1.conv("Conv2d_1a_3x3", b1, m, 3, 2, VALID);
    Operand<TFloat32> b2 = l.maxPool(net, 3, 2, VALID);
    return l.concatChannels(b0, b1, b2);
  }

  /** 17 x 17 -> 8 x 8: 1x1-3x3/2 (384); 1x1-3x3/2 (256); 1x1-3x3-3x3/2 (256); maxpool 3x3/2. */
  private Operand<TFloat32> reductionB(Layers l, Operand<TFloat32> net) {
    Layers l0 = l.in("Branch_0");
    Operand<TFloat32> b0 = l0.conv("Conv2d_1a_3x3", l0.conv("Conv2d_0a_1x1", net, c(256), 1), c(384), 3, 2, VALID);
    Layers l1 = l.in("Branch_1");
    Operand<TFloat32> b1 = l1.conv("Conv2d_1a_3x3", l1.conv("Conv2d_0a_1x1", net, c(256), 1), c(256), 3, 2, VALID);
    Layers l2 = l.in("Branch_2");
    Operand<TFloat32> b2 = l2.conv("Conv2d_0a_1x1", net, c(256), 1);
    b2 = l2.conv("Conv2d_0b_3x3", b2, c(256), 3);
    b2 = l2.conv("Conv2d_1a_3x3", b2, c(256), 3, 2, VALID);
    Operand<TFloat32> b3 = l.maxPool(net, 3, 2, VALID);
    return l.concatChannels(b0, b1, b2, b3);
  }

  /** net + scale * up(mixed), up a linear 1x1 convolution with bias back to net's channels; then ReLU. */
  private static Operand<TFloat32> residual(Layers l, Operand<TFloat32> net, Operand<TFloat32> mixed, float scale,
      boolean relu) {
    return l.scaledResidual("Conv2d_1x1", net, mixed, scale, relu ? Activation.RELU : Activation.NONE);
  }

  private int c(int channels) {
    return cfg.channels(channels);
  }
}
