package org.facenet.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;

/**
 * Layer helpers shared by every backbone and head: the Java counterpart of slim's conv2d /
 * batch_norm / fully_connected with facenet's arg_scope (Xavier weights, L2 weight decay, batch norm
 * with beta and no gamma, ReLU).
 *
 * <p>A {@code Layers} is one tower (training or inference) at one variable path. {@link #in(String)}
 * descends into a sub-scope; every scope of one tower shares the tower's state (batch-norm update ops,
 * regularisation terms, the FLOP count), and every tower of one graph shares the {@link VariableStore}.
 */
public final class Layers {

  /** Batch-norm settings; facenet uses decay 0.995, epsilon 0.001, center (beta) without scale. */
  public record BatchNormConfig(float decay, float epsilon, boolean scale) {
    public static final BatchNormConfig FACENET = new BatchNormConfig(0.995f, 0.001f, false);
  }

  /** What every scope of one tower accumulates. */
  private static final class TowerState {
    final List<Op> updateOps = new ArrayList<>();
    final List<Operand<TFloat32>> regularization = new ArrayList<>();
    final List<Folding> foldings = new ArrayList<>();
    double flops;
    /** Null: each batch norm's moments are this tower's batch's; otherwise summed over the replicas (sync BN). */
    CrossReplicaSum crossReplica;
  }

  private final Ops tf;
  private final VariableStore vars;
  private final boolean training;
  private final boolean folded;
  private final String path;
  private final float weightDecay;
  private final BatchNormConfig bn;
  private final TowerState state;

  private Layers(Ops tf, VariableStore vars, boolean training, boolean folded, String path, float weightDecay,
      BatchNormConfig bn, TowerState state) {
    this.tf = tf;
    this.vars = vars;
    this.training = training;
    this.folded = folded;
    this.path = path;
    this.weightDecay = weightDecay;
    this.bn = bn;
    this.state = state;
  }

  /** A new tower at the root of {@code vars}. */
  public static Layers tower(VariableStore vars, boolean training, float weightDecay, BatchNormConfig bn) {
    return new Layers(vars.root(), vars, training, false, "", weightDecay, bn, new TowerState());
  }

  /**
   * A training tower whose batch norms compute their moments over the global batch of every replica: each sums its
   * per-channel sum, sum of squares and count with {@code crossReplica} (one sum a batch norm) and normalises with
   * the global mean and variance; the moving statistics are updated with the global ones.
   */
  public static Layers syncedTower(VariableStore vars, float weightDecay, BatchNormConfig bn, CrossReplicaSum crossReplica) {
    TowerState state = new TowerState();
    state.crossReplica = crossReplica;
    return new Layers(vars.root(), vars, true, false, "", weightDecay, bn, state);
  }

  /**
   * An inference tower for deployment: every batch norm that follows a convolution or fully connected layer is
   * folded into it ({@link FoldedBatchNorm}), so the layer is a weights-and-bias one that TensorFlow fuses with its
   * activation at every precision, and so is the scale of every residual merge ({@link FoldedScale}); batch norms
   * elsewhere stay. Its variables' values come from an unfolded tower's through {@link #foldings()}.
   */
  public static Layers foldedInferenceTower(VariableStore vars, BatchNormConfig bn) {
    return new Layers(vars.root(), vars, false, true, "", 0f, bn, new TowerState());
  }

  /** The same tower, one scope deeper: variables of the child live under {@code path/name}. */
  public Layers in(String name) {
    return new Layers(tf, vars, training, folded, qualify(name), weightDecay, bn, state);
  }

  /** The same tower and path with another batch-norm configuration (IResNet uses its own). */
  public Layers withBatchNorm(BatchNormConfig config) {
    return new Layers(tf, vars, training, folded, path, weightDecay, config, state);
  }

  public Ops tf() {
    return tf;
  }

  public VariableStore variables() {
    return vars;
  }

  public boolean training() {
    return training;
  }

  public String path() {
    return path;
  }

  /** Moving-statistics updates of every batch norm in this tower; the train op runs them. */
  public List<Op> updateOps() {
    return List.copyOf(state.updateOps);
  }

  /** L2 weight-decay terms (weightDecay * sum(w^2) / 2 each) of every weight in this tower. */
  public List<Operand<TFloat32>> regularizationLosses() {
    return List.copyOf(state.regularization);
  }

  /**
   * What this tower folded into the weights and biases of its layers (nothing unless it is a folded inference
   * tower): applied to an unfolded tower's values, they give this tower's.
   */
  public List<Folding> foldings() {
    return List.copyOf(state.foldings);
  }

  /** Forward FLOPs per example of the convolutions and fully connected layers built so far (2 per MAC). */
  public double flopsPerExample() {
    return state.flops;
  }

  /** The value of a trainable variable at {@code path/name}. */
  public Operand<TFloat32> variable(String name, long[] shape, Initializer init) {
    return vars.get(qualify(name), shape, init, true).read();
  }

  /** conv -> batch norm -> ReLU, slim's conv2d under facenet's arg_scope. */
  public Operand<TFloat32> conv(String name, Operand<TFloat32> in, int filters, int kernel, int stride,
      Padding padding) {
    return conv(name, in, filters, kernel, kernel, stride, padding, true, Activation.RELU);
  }

  /** conv -> batch norm -> ReLU with stride 1 and SAME padding. */
  public Operand<TFloat32> conv(String name, Operand<TFloat32> in, int filters, int kernel) {
    return conv(name, in, filters, kernel, kernel, 1, Padding.SAME, true, Activation.RELU);
  }

  /**
   * The general convolution: without batch norm it has a bias; with it, the batch norm's beta plays
   * the bias's part (as in slim).
   */
  public Operand<TFloat32> conv(String name, Operand<TFloat32> in, int filters, int kh, int kw, int stride,
      Padding padding, boolean batchNorm, Activation act) {
    Layers s = in(name);
    long cin = channels(in);
    Operand<TFloat32> w = s.variable("weights", new long[] {kh, kw, cin, filters}, Initializer.xavierUniform());
    s.decay(w);
    Operand<TFloat32> y = tf.nn.conv2d(in, w, List.of(1L, (long) stride, (long) stride, 1L), padding.name());
    long outH = y.shape().size(1);
    long outW = y.shape().size(2);
    if (outH > 0 && outW > 0) state.flops += 2.0 * kh * kw * cin * filters * outH * outW;
    if (batchNorm && folded) {
      y = tf.nn.biasAdd(y, s.foldedBatchNormBias(filters));
    } else if (batchNorm) {
      y = s.batchNorm(y);
    } else {
      y = tf.nn.biasAdd(y, s.variable("biases", new long[] {filters}, Initializer.zeros()));
    }
    return s.activate(y, act);
  }

  /**
   * Max pooling, as TensorFlow's {@code MaxPool} op with the window and strides as attributes (TF Java's
   * {@code tf.nn.maxPool} emits {@code MaxPoolV2}, whose tensor inputs TF-Lite has no builtin for).
   */
  public Operand<TFloat32> maxPool(Operand<TFloat32> in, int kernel, int stride, Padding padding) {
    return tf.scope().opBuilder("MaxPool", "MaxPool").addInput(in.asOutput())
        .setAttr("ksize", new long[] {1, kernel, kernel, 1}).setAttr("strides", new long[] {1, stride, stride, 1})
        .setAttr("padding", padding.name()).setAttr("T", org.tensorflow.proto.DataType.DT_FLOAT)
        .build().output(0);
  }

  /** Average over the spatial dimensions: [N, H, W, C] -> [N, C]. */
  public Operand<TFloat32> globalAvgPool(Operand<TFloat32> in) {
    return tf.math.mean(in, tf.constant(new int[] {1, 2}));
  }

  /** Concatenation along channels. */
  @SafeVarargs
  public final Operand<TFloat32> concatChannels(Operand<TFloat32>... parts) {
    return tf.concat(Arrays.asList(parts), tf.constant(3));
  }

  /**
   * The Inception-ResNet merge: {@code net + scale * up(mixed)}, {@code up} a 1x1 convolution with bias (scope
   * {@code name}) back to net's channels, then {@code act}. A folded inference tower folds {@code scale} into up's
   * weights and bias ({@link FoldedScale}), leaving convolution + bias + add + activation, which TensorFlow fuses.
   */
  public Operand<TFloat32> scaledResidual(String name, Operand<TFloat32> net, Operand<TFloat32> mixed, float scale,
      Activation act) {
    Operand<TFloat32> up = conv(name, mixed, (int) channels(net), 1, 1, 1, Padding.SAME, false, Activation.NONE);
    if (!folded) return activate(tf.math.add(net, tf.math.mul(up, tf.constant(scale))), act);
    Layers s = in(name);
    state.foldings.add(new FoldedScale(s.qualify("weights"), s.qualify("biases"), scale));
    return activate(tf.math.add(up, net), act);
  }

  /**
   * Fully connected layer [N, in] -> [N, units]; with batch norm it has no bias (slim's
   * fully_connected with normalizer_fn), otherwise a bias.
   */
  public Operand<TFloat32> dense(String name, Operand<TFloat32> in, int units, boolean batchNorm, Activation act) {
    Layers s = in(name);
    long cin = in.shape().size(1);
    Operand<TFloat32> w = s.variable("weights", new long[] {cin, units}, Initializer.xavierUniform());
    s.decay(w);
    state.flops += 2.0 * cin * units;
    Operand<TFloat32> y = tf.linalg.matMul(in, w);
    if (batchNorm && folded) {
      y = tf.nn.biasAdd(y, s.foldedBatchNormBias(units));
    } else if (batchNorm) {
      y = s.batchNorm2d(y);
    } else {
      y = tf.nn.biasAdd(y, s.variable("biases", new long[] {units}, Initializer.zeros()));
    }
    return s.activate(y, act);
  }

  /** Dropout with keep probability {@code keep} in the training tower; identity in inference. */
  public Operand<TFloat32> dropout(Operand<TFloat32> in, float keep) {
    if (!training || keep >= 1f) return in;
    Operand<TFloat32> u = tf.random.randomUniform(tf.shape(in), TFloat32.class,
        RandomUniform.seed(1L + (vars.seed() >>> 1)), RandomUniform.seed2(vars.newSeed()));
    Operand<TFloat32> mask = tf.math.floor(tf.math.add(u, tf.constant(keep)));
    return tf.math.mul(tf.math.div(in, tf.constant(keep)), mask);
  }

  /**
   * Batch norm over the last axis of an NHWC tensor, here at this scope ("BatchNorm/beta",
   * "BatchNorm/moving_mean", ...). Training: batch statistics, and an update of the moving ones
   * (m <- m - (1 - decay)(m - batch)); inference: the moving statistics.
   */
  public Operand<TFloat32> batchNorm(Operand<TFloat32> in) {
    Layers s = in("BatchNorm");
    long c = channels(in);
    long[] shape = {c};
    Operand<TFloat32> beta = s.variable("beta", shape, Initializer.zeros());
    Operand<TFloat32> gamma = bn.scale() ? s.variable("gamma", shape, Initializer.constant(1f))
        : tf.fill(tf.constant(new long[] {c}), tf.constant(1f));
    VariableStore.Entry movingMean = vars.get(s.qualify("moving_mean"), shape, Initializer.zeros(), false);
    VariableStore.Entry movingVar = vars.get(s.qualify("moving_variance"), shape, Initializer.constant(1f), false);
    if (training && state.crossReplica != null) {
      return s.syncedBatchNorm(in, gamma, beta, movingMean, movingVar);
    }
    if (training) {
      var out = tf.nn.fusedBatchNorm(in, gamma, beta, tf.constant(new float[0]), tf.constant(new float[0]),
          FusedBatchNorm.epsilon(bn.epsilon()), FusedBatchNorm.isTraining(true));
      Operand<TFloat32> rate = tf.constant(1f - bn.decay());
      state.updateOps.add(tf.assignSub(movingMean.variable(),
          tf.math.mul(tf.math.sub(movingMean.read(), out.batchMean()), rate)));
      state.updateOps.add(tf.assignSub(movingVar.variable(),
          tf.math.mul(tf.math.sub(movingVar.read(), out.batchVariance()), rate)));
      return out.y();
    }
    var out = tf.nn.fusedBatchNorm(in, gamma, beta, movingMean.read(), movingVar.read(),
        FusedBatchNorm.epsilon(bn.epsilon()), FusedBatchNorm.isTraining(false));
    return out.y();
  }

  /** Batch norm in training mode on the global batch's moments ({@link GlobalMoments}), updating the moving ones. */
  private Operand<TFloat32> syncedBatchNorm(Operand<TFloat32> in, Operand<TFloat32> gamma, Operand<TFloat32> beta,
      VariableStore.Entry movingMean, VariableStore.Entry movingVar) {
    GlobalMoments m = GlobalMoments.of(tf, in, movingMean.read(), state.crossReplica);
    Operand<TFloat32> scale = tf.math.mul(gamma, tf.math.rsqrt(tf.math.add(m.variance(), tf.constant(bn.epsilon()))));
    Operand<TFloat32> rate = tf.constant(1f - bn.decay());
    state.updateOps.add(tf.assignSub(movingMean.variable(), tf.math.mul(tf.math.sub(movingMean.read(), m.mean()), rate)));
    state.updateOps.add(tf.assignSub(movingVar.variable(),
        tf.math.mul(tf.math.sub(movingVar.read(), m.unbiased()), rate)));
    return tf.math.add(tf.math.mul(tf.math.sub(in, m.mean()), scale), beta);
  }

  /**
   * The bias of a layer whose batch norm is folded into it: the batch norm's beta variable, which holds
   * {@code beta - mean s} once {@link FoldedBatchNorm#fold} has filled it; the layer's weights hold {@code W s}.
   */
  private Operand<TFloat32> foldedBatchNormBias(long channels) {
    Layers b = in("BatchNorm");
    state.foldings.add(new FoldedBatchNorm(qualify("weights"), b.qualify("beta"), bn.scale() ? b.qualify("gamma") : null,
        b.qualify("moving_mean"), b.qualify("moving_variance"), bn.epsilon()));
    return b.variable("beta", new long[] {channels}, Initializer.zeros());
  }

  /** Batch norm of a [N, C] tensor (reshaped to [N, 1, 1, C] for the fused kernel). */
  public Operand<TFloat32> batchNorm2d(Operand<TFloat32> in) {
    long c = in.shape().size(1);
    Operand<TFloat32> y = batchNorm(tf.reshape(in, tf.constant(new long[] {-1, 1, 1, c})));
    return tf.reshape(y, tf.constant(new long[] {-1, c}));
  }

  /** Applies {@code act}; PReLU has a learned slope per channel at {@code path/alpha}, initialised to 0.25. */
  public Operand<TFloat32> activate(Operand<TFloat32> in, Activation act) {
    switch (act) {
      case NONE:
        return in;
      case RELU:
        return tf.nn.relu(in);
      case PRELU: {
        long c = in.shape().size(in.shape().numDimensions() - 1);
        Operand<TFloat32> alpha = variable("alpha", new long[] {c}, Initializer.constant(0.25f));
        Operand<TFloat32> pos = tf.nn.relu(in);
        Operand<TFloat32> neg = tf.math.mul(alpha, tf.math.sub(in, pos));
        return tf.math.add(pos, neg);
      }
      default:
        throw new IllegalArgumentException("activation " + act);
    }
  }

  /**
   * A convolution with explicit symmetric zero padding of {@code (kernel - 1) / 2} pixels on each side followed by
   * a VALID convolution: PyTorch's {@code padding=kernel//2} and slim's {@code conv2d_same}. At stride 1 this is
   * TensorFlow's SAME; at stride 2 on an even input SAME would pad only bottom/right, so strided convolutions of
   * the ResNet families use this to sample the same pixels as their PyTorch references.
   */
  public Operand<TFloat32> paddedConv(String name, Operand<TFloat32> in, int filters, int kernel, int stride,
      boolean batchNorm, Activation act) {
    if (stride == 1 || kernel == 1) {
      return conv(name, in, filters, kernel, kernel, stride, kernel == 1 ? Padding.VALID : Padding.SAME, batchNorm, act);
    }
    return conv(name, pad(in, (kernel - 1) / 2), filters, kernel, kernel, stride, Padding.VALID, batchNorm, act);
  }

  /** Zero padding of {@code pixels} rows and columns on each side of an NHWC tensor's height and width. */
  public Operand<TFloat32> pad(Operand<TFloat32> in, int pixels) {
    if (pixels == 0) return in;
    return tf.pad(in, tf.constant(new int[][] {{0, 0}, {pixels, pixels}, {pixels, pixels}, {0, 0}}), tf.constant(0f));
  }

  /** [N, H, W, C] -> [N, H * W * C] (row-major NHWC order; PyTorch's flatten of NCHW orders it C, H, W). */
  public Operand<TFloat32> flatten(Operand<TFloat32> in) {
    long features = 1;
    for (int i = 1; i < in.shape().numDimensions(); i++) {
      long d = in.shape().size(i);
      if (d <= 0) throw new IllegalArgumentException("flatten needs static dimensions, got " + in.shape());
      features *= d;
    }
    return tf.reshape(in, tf.constant(new long[] {-1, features}));
  }

  /** The sum of a residual branch and its shortcut, then {@code act} (ReLU in ResNet v1, none in IResNet). */
  public Operand<TFloat32> residualAdd(Operand<TFloat32> shortcut, Operand<TFloat32> residual, Activation act) {
    return activate(tf.math.add(shortcut, residual), act);
  }

  /** The static channel count (last dimension) of {@code in}. */
  public static long channels(Operand<TFloat32> in) {
    long c = in.shape().size(in.shape().numDimensions() - 1);
    if (c <= 0) throw new IllegalArgumentException("channel dimension unknown for " + in);
    return c;
  }

  private void decay(Operand<TFloat32> weights) {
    if (training && weightDecay > 0f) {
      state.regularization.add(tf.math.mul(tf.constant(weightDecay), tf.nn.l2Loss(weights)));
    }
  }

  private String qualify(String name) {
    return path.isEmpty() ? name : path + "/" + name;
  }

}
