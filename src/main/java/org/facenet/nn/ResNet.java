package org.facenet.nn;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * ResNet-18/34/50/101 (He et al. 2016, "Deep Residual Learning for Image Recognition", arXiv:1512.03385) adapted to
 * 112 x 112 face crops.
 *
 * <p>Units are <b>v1</b> (post-activation: conv-BN-ReLU ..., conv-BN, add the shortcut, then ReLU), with the stride
 * of a bottleneck on its 3x3 convolution as in torchvision ("v1.5"); basic blocks (two 3x3) for 18/34, bottlenecks
 * (1x1, 3x3, 1x1 x 4) for 50/101; projection shortcuts (1x1 conv + BN) where the shape changes.
 *
 * <p>Adaptations to faces, with the reference in brackets:
 * <ul>
 *   <li>Stem: one 3x3 stride-1 convolution with 64 filters + BN + ReLU [7x7/2 conv + 3x3/2 max pool], and the
 *       first stage downsamples by 2 (as insightface's IResNet does), so a 112 px input gives maps of 112 (stem),
 *       56, 28, 14, 7: the sizes the reference has at 224 px, at about the reference's FLOPs at 224 px.</li>
 *   <li>Head: global average pool, dropout, a fully connected layer to the embedding size without bias followed
 *       by batch norm: facenet's bottleneck, built with the tower's batch-norm settings like
 *       {@link InceptionResNetV1}'s [average pool, FC to 1000 classes with bias].</li>
 *   <li>Batch norm in the units: TF-slim's {@code resnet_arg_scope} settings (decay 0.997, epsilon 1e-5, with a
 *       learned scale gamma), whatever the tower's settings are. Weights: Xavier uniform and L2 decay like every
 *       backbone of this project.</li>
 * </ul>
 * Parameter differences against torchvision's {@code resnetN(num_classes=D)}: stem -7,680 (1,728 instead of
 * 9,408); basic-block models +4,224 for the first stage's projection shortcut (64 -> 64, stride 2); the head's BN
 * beta replaces the FC bias (same count). Channels scale with {@link BackboneConfig#width()}, unit counts with
 * {@link BackboneConfig#depth()}.
 *
 * <p>Variables: {@code ResNet50/conv1}, {@code ResNet50/block1/unit_1/{conv1,conv2,conv3,shortcut}},
 * {@code ResNet50/Bottleneck}; torchvision's {@code layerK[i].convJ, bnJ, downsample} are
 * {@code blockK/unit_(i+1)/convJ/{weights, BatchNorm}} and {@code .../shortcut}. With weights copied across, torchvision's
 * resnet18 and resnet50 modified as above (eval mode) gave the same prelogits as this graph to a relative 7e-7.
 */
public final class ResNet implements Backbone {

  /** TF-slim's resnet_arg_scope batch norm: decay 0.997, epsilon 1e-5, scale. */
  public static final Layers.BatchNormConfig BATCH_NORM = new Layers.BatchNormConfig(0.997f, 1e-5f, true);

  private final int depth;
  private final boolean bottleneck;
  private final int[] units;
  private final long referenceParameters;
  private final long adaptedParameters;
  private BackboneConfig cfg;

  private ResNet(int depth, boolean bottleneck, int[] units, long referenceParameters, long adaptedParameters) {
    this.depth = depth;
    this.bottleneck = bottleneck;
    this.units = units;
    this.referenceParameters = referenceParameters;
    this.adaptedParameters = adaptedParameters;
  }

  // Counted with torch 2.13 / torchvision 0.29.1 at 512-D: torchvision resnetN(num_classes=512), all parameters; and
  // the same model adapted as here (conv1 3x3/1, max pool removed, layer1 stride 2 with a projection for basic
  // blocks, fc = Linear(bias=False) + BatchNorm1d with its weight frozen), trainable parameters.
  public static ResNet resnet18() {
    return new ResNet(18, false, new int[] {2, 2, 2, 2}, 11_439_168L, 11_435_712L);
  }

  public static ResNet resnet34() {
    return new ResNet(34, false, new int[] {3, 4, 6, 3}, 21_547_328L, 21_543_872L);
  }

  public static ResNet resnet50() {
    return new ResNet(50, true, new int[] {3, 4, 6, 3}, 24_557_120L, 24_549_440L);
  }

  public static ResNet resnet101() {
    return new ResNet(101, true, new int[] {3, 4, 23, 3}, 43_549_248L, 43_541_568L);
  }

  /** torchvision's resnetN(num_classes=512) parameter count. */
  public long referenceParameters512() {
    return referenceParameters;
  }

  /** The trainable parameters of torchvision's resnetN adapted as this class adapts it, at 512-D. */
  public long adaptedReferenceParameters512() {
    return adaptedParameters;
  }

  @Override
  public String name() {
    return "resnet" + depth;
  }

  @Override
  public int defaultImageSize() {
    return 112;
  }

  /** 16 px halves exactly down to a 1 x 1 map through the four downsampling stages. */
  @Override
  public int minImageSize() {
    return 16;
  }

  @Override
  public String reference() {
    return String.format(java.util.Locale.ROOT, "reference: He et al. 2016 (arXiv:1512.03385), v1 units; torchvision "
        + "resnet%d(num_classes=512): %,d parameters; adapted like this class (3x3/1 stem, no max pool, stride-2 first "
        + "stage, FC without bias + BN beta): %,d (both counted with torch 2.13 / torchvision 0.29.1)",
        depth, referenceParameters, adaptedParameters);
  }

  @Override
  public Operand<TFloat32> build(Layers layers, Operand<TFloat32> images, BackboneConfig config) {
    this.cfg = config;
    Layers l = layers.in("ResNet" + depth);
    Layers body = l.withBatchNorm(BATCH_NORM);
    Operand<TFloat32> net = stem(body, images);
    int[] planes = {64, 128, 256, 512};
    for (int stage = 0; stage < 4; stage++) {
      net = stage(body.in("block" + (stage + 1)), net, c(planes[stage]), cfg.repeats(units[stage]), 2);
    }
    net = l.globalAvgPool(net);
    net = l.dropout(net, cfg.keepProbability());
    return l.dense("Bottleneck", net, cfg.embeddingSize(), true, Activation.NONE);
  }

  /** 112 x 112 x 3 -> 112 x 112 x 64: conv 3x3/1, BN, ReLU. */
  private Operand<TFloat32> stem(Layers l, Operand<TFloat32> images) {
    return l.paddedConv("conv1", images, c(64), 3, 1, true, Activation.RELU);
  }

  /** One stage: the first unit downsamples by {@code stride} (and projects the shortcut), the rest keep the shape. */
  private Operand<TFloat32> stage(Layers l, Operand<TFloat32> net, int planes, int count, int stride) {
    for (int i = 1; i <= count; i++) {
      Layers u = l.in("unit_" + i);
      int s = i == 1 ? stride : 1;
      net = bottleneck ? bottleneckUnit(u, net, planes, s) : basicUnit(u, net, planes, s);
    }
    return net;
  }

  /** Basic block: conv 3x3/s-BN-ReLU, conv 3x3-BN, + shortcut, ReLU. */
  private static Operand<TFloat32> basicUnit(Layers l, Operand<TFloat32> net, int planes, int stride) {
    Operand<TFloat32> shortcut = shortcut(l, net, planes, stride);
    Operand<TFloat32> r = l.paddedConv("conv1", net, planes, 3, stride, true, Activation.RELU);
    r = l.paddedConv("conv2", r, planes, 3, 1, true, Activation.NONE);
    return l.residualAdd(shortcut, r, Activation.RELU);
  }

  /** Bottleneck: conv 1x1-BN-ReLU, conv 3x3/s-BN-ReLU, conv 1x1 (4 x planes)-BN, + shortcut, ReLU. */
  private static Operand<TFloat32> bottleneckUnit(Layers l, Operand<TFloat32> net, int planes, int stride) {
    Operand<TFloat32> shortcut = shortcut(l, net, 4 * planes, stride);
    Operand<TFloat32> r = l.paddedConv("conv1", net, planes, 1, 1, true, Activation.RELU);
    r = l.paddedConv("conv2", r, planes, 3, stride, true, Activation.RELU);
    r = l.paddedConv("conv3", r, 4 * planes, 1, 1, true, Activation.NONE);
    return l.residualAdd(shortcut, r, Activation.RELU);
  }

  /** Identity when the shape is kept, else a 1x1/s projection with BN (option B of the paper). */
  private static Operand<TFloat32> shortcut(Layers l, Operand<TFloat32> net, int channels, int stride) {
    if (stride == 1 && Layers.channels(net) == channels) return net;
    return l.paddedConv("shortcut", net, channels, 1, stride, true, Activation.NONE);
  }

  private int c(int channels) {
    return cfg.channels(channels);
  }
}
