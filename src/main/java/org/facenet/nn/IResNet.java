package org.facenet.nn;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * IResNet-18/34/50/100, the ArcFace backbones of insightface ({@code recognition/arcface_torch/backbones/iresnet.py};
 * Deng et al. 2019, arXiv:1801.07698; "improved residual" units of Duta et al. 2020), built as that file builds them:
 * <ul>
 *   <li>stem: conv 3x3/1 64 (no bias), BN, PReLU;</li>
 *   <li>four stages of 64, 128, 256, 512 channels with [2,2,2,2] / [3,4,6,3] / [3,4,14,3] / [3,13,30,3] units,
 *       each stage's first unit with stride 2 (112 -> 56 -> 28 -> 14 -> 7);</li>
 *   <li>unit (IBasicBlock): BN, conv 3x3, BN, PReLU, conv 3x3/stride, BN, plus the shortcut, no activation after
 *       the sum; the shortcut is a 1x1/stride conv + BN when the shape changes;</li>
 *   <li>output head: BN, dropout, flatten, FC (512 * 7 * 7 -> D, with bias), BN1d "features" whose scale is fixed
 *       at 1 and not trained (only its beta is).</li>
 * </ul>
 * Batch norm everywhere: epsilon 1e-5 and PyTorch's momentum 0.1 (decay 0.9), affine (gamma and beta), whatever the
 * tower's settings are. Strided 3x3 convolutions pad one pixel on each side as PyTorch does
 * ({@link Layers#paddedConv}). Weights are Xavier uniform like every backbone of this project (insightface draws
 * N(0, 0.1)); the flattened features are in H, W, C order (PyTorch's are C, H, W: transpose the FC weights when
 * converting). Channels scale with {@link BackboneConfig#width()}, unit counts with {@link BackboneConfig#depth()};
 * at another input size the FC takes the final map's H * W * C features.
 *
 * <p>Variable names against insightface's: {@code conv1, bn1, prelu} -> {@code IResNet50/conv1/{weights, BatchNorm,
 * alpha}}; {@code layerK.i.bn1} -> {@code layerK/unit_(i+1)/preact/BatchNorm}; {@code conv1, bn2, prelu} ->
 * {@code .../conv1/{weights, BatchNorm, alpha}}; {@code conv2, bn3} -> {@code .../conv2}; {@code downsample} ->
 * {@code .../shortcut}; {@code bn2} -> {@code IResNet50/bn2/BatchNorm}; {@code fc} -> {@code IResNet50/fc};
 * {@code features} -> {@code IResNet50/features/BatchNorm}. With weights copied across by this mapping, insightface's
 * PyTorch iresnet18 and iresnet50 (eval mode) gave the same features as this graph to a relative 4e-6.
 */
public final class IResNet implements Backbone {

  /** PyTorch's BatchNorm2d(eps=1e-05), momentum 0.1, affine. */
  public static final Layers.BatchNormConfig BATCH_NORM = new Layers.BatchNormConfig(0.9f, 1e-5f, true);
  /** The "features" BatchNorm1d: its weight is fixed at 1 ({@code requires_grad = False}), its bias is trained. */
  public static final Layers.BatchNormConfig FEATURES = new Layers.BatchNormConfig(0.9f, 1e-5f, false);

  private final int depth;
  private final int[] units;
  private final long referenceTrainable;
  private BackboneConfig cfg;

  private IResNet(int depth, int[] units, long referenceTrainable) {
    this.depth = depth;
    this.units = units;
    this.referenceTrainable = referenceTrainable;
  }

  // Reference counts: insightface arcface_torch iresnetN(num_features=512), counted with torch 2.13: parameters with
  // requires_grad (the frozen features.weight, 512 values, excluded; all parameters are 512 more).
  public static IResNet iresnet18() {
    return new IResNet(18, new int[] {2, 2, 2, 2}, 24_025_088L);
  }

  public static IResNet iresnet34() {
    return new IResNet(34, new int[] {3, 4, 6, 3}, 34_138_816L);
  }

  public static IResNet iresnet50() {
    return new IResNet(50, new int[] {3, 4, 14, 3}, 43_590_336L);
  }

  public static IResNet iresnet100() {
    return new IResNet(100, new int[] {3, 13, 30, 3}, 65_155_648L);
  }

  /** The reference's trainable parameter count at a 512-D embedding. */
  public long referenceParameters512() {
    return referenceTrainable;
  }

  @Override
  public String name() {
    return "iresnet" + depth;
  }

  @Override
  public int defaultImageSize() {
    return 112;
  }

  /** 16 px halves exactly down to a 1 x 1 map through the four stages. */
  @Override
  public int minImageSize() {
    return 16;
  }

  @Override
  public String reference() {
    return String.format(java.util.Locale.ROOT, "reference: insightface recognition/arcface_torch/backbones/iresnet.py "
        + "iresnet%d(num_features=512): %,d trainable parameters + 512 frozen (features.weight), counted with torch 2.13",
        depth, referenceTrainable);
  }

  @Override
  public Operand<TFloat32> build(Layers layers, Operand<TFloat32> images, BackboneConfig config) {
    this.cfg = config;
    Layers l = layers.in("IResNet" + depth).withBatchNorm(BATCH_NORM);
    Operand<TFloat32> net = l.paddedConv("conv1", images, c(64), 3, 1, true, Activation.PRELU);
    int[] planes = {64, 128, 256, 512};
    for (int stage = 0; stage < 4; stage++) {
      net = layer(l.in("layer" + (stage + 1)), net, c(planes[stage]), cfg.repeats(units[stage]));
    }
    return outputHead(l, net);
  }

  /** One stage: the first unit halves the map and projects the shortcut; the rest keep the shape. */
  private static Operand<TFloat32> layer(Layers l, Operand<TFloat32> net, int planes, int count) {
    for (int i = 1; i <= count; i++) net = unit(l.in("unit_" + i), net, planes, i == 1 ? 2 : 1);
    return net;
  }

  /** IBasicBlock: BN, conv 3x3, BN, PReLU, conv 3x3/stride, BN; + shortcut. */
  private static Operand<TFloat32> unit(Layers l, Operand<TFloat32> net, int planes, int stride) {
    Operand<TFloat32> r = l.in("preact").batchNorm(net);
    r = l.paddedConv("conv1", r, planes, 3, 1, true, Activation.PRELU);
    r = l.paddedConv("conv2", r, planes, 3, stride, true, Activation.NONE);
    Operand<TFloat32> shortcut = stride == 1 && Layers.channels(net) == planes ? net
        : l.paddedConv("shortcut", net, planes, 1, stride, true, Activation.NONE);
    return l.residualAdd(shortcut, r, Activation.NONE);
  }

  /** BN, dropout, flatten, FC with bias, BN1d with its scale fixed at 1. */
  private Operand<TFloat32> outputHead(Layers l, Operand<TFloat32> net) {
    net = l.in("bn2").batchNorm(net);
    net = l.flatten(net);
    net = l.dropout(net, cfg.keepProbability());
    Operand<TFloat32> fc = l.dense("fc", net, cfg.embeddingSize(), false, Activation.NONE);
    return l.in("features").withBatchNorm(FEATURES).batchNorm2d(fc);
  }

  private int c(int channels) {
    return cfg.channels(channels);
  }
}
