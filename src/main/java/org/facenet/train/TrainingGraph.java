package org.facenet.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import org.facenet.loss.Loss;
import org.facenet.loss.LossInputs;
import org.facenet.loss.LossOutput;
import org.facenet.nn.CrossReplicaSum;
import org.facenet.nn.EmbeddingModel;
import org.facenet.nn.Layers;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.VariableStore;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The training graph: raw images and labels in, one optimizer step out. The total loss is the
 * chosen loss plus the L2 weight decay of every weight; the train op applies the gradients, the batch-norm
 * moving-statistics updates, the loss's own updates, and increments the global step. Beside it, an inference
 * tower on the same weights ({@link #evalImages} -> {@link #evalEmbeddings}: batch norm on the moving statistics,
 * no dropout, as exported) embeds held-out images during training without an export.
 */
public final class TrainingGraph implements AutoCloseable {

  public final Graph graph;
  public final Placeholder<TFloat32> images;
  public final Placeholder<TInt32> labels;
  public final Placeholder<TFloat32> learningRate;
  /** The share 0..1 of their margin that am-softmax, cosface and arcface use (a margin warm-up); 1 unless fed. */
  public final Operand<TFloat32> marginFactor;
  public final Variable<TInt64> globalStep;
  public final Operand<TFloat32> totalLoss;
  public final Operand<TFloat32> loss;
  public final Operand<TFloat32> regularization;
  /** Named scalars to display and log: the loss's diagnostics plus "embedding_norm". */
  public final Map<String, Operand<TFloat32>> diagnostics;
  public final Op trainOp;
  public final VariableStore variables;
  public final EmbeddingModel.Tower tower;
  /** Raw images [N, H, W, 3] 0..255 for the inference tower. */
  public final Placeholder<TFloat32> evalImages;
  /** The inference tower's L2-normalised embeddings, what the exported SavedModel computes. */
  public final Operand<TFloat32> evalEmbeddings;
  /** The moving averages of the trainable weights, or null without --moving-average-decay. */
  public final MovingAverages movingAverages;
  /** The loss on validation batches, or null without a validation split. */
  public final ValidationTower validation;
  /** Every replica's variables, {@link #variables} first (one replica unless {@link Distribution#replicaDevices}). */
  public final List<VariableStore> replicas;

  private TrainingGraph(Graph graph, Placeholder<TFloat32> images, Placeholder<TInt32> labels,
      Placeholder<TFloat32> learningRate, Operand<TFloat32> marginFactor, Variable<TInt64> globalStep, Operand<TFloat32> totalLoss,
      Operand<TFloat32> loss, Operand<TFloat32> regularization, Map<String, Operand<TFloat32>> diagnostics, Op trainOp,
      VariableStore variables, EmbeddingModel.Tower tower, Placeholder<TFloat32> evalImages,
      Operand<TFloat32> evalEmbeddings, MovingAverages movingAverages, ValidationTower validation,
      List<VariableStore> replicas) {
    this.graph = graph;
    this.images = images;
    this.labels = labels;
    this.learningRate = learningRate;
    this.marginFactor = marginFactor;
    this.globalStep = globalStep;
    this.totalLoss = totalLoss;
    this.loss = loss;
    this.regularization = regularization;
    this.diagnostics = diagnostics;
    this.trainOp = trainOp;
    this.variables = variables;
    this.tower = tower;
    this.evalImages = evalImages;
    this.evalEmbeddings = evalEmbeddings;
    this.movingAverages = movingAverages;
    this.validation = validation;
    this.replicas = List.copyOf(replicas);
  }

  public static TrainingGraph build(ModelSpec spec, Loss lossFunction, int numClasses, Optimizer optimizer, long seed) {
    return build(spec, lossFunction, numClasses, optimizer, seed, 0, false, List.of(), GradientTransform.IDENTITY);
  }

  /** The training graph that trains only the variables under {@code trainScopes} (all if empty; {@link FineTuning}). */
  public static TrainingGraph build(ModelSpec spec, Loss lossFunction, int numClasses, Optimizer optimizer, long seed,
      List<String> trainScopes) {
    return build(spec, lossFunction, numClasses, optimizer, seed, 0, false, trainScopes, GradientTransform.IDENTITY);
  }

  /**
   * The graph, with moving averages of the trainable weights at {@code movingAverageDecay} (0: none) and a
   * {@link ValidationTower} if {@code validation}.
   */
  public static TrainingGraph build(ModelSpec spec, Loss lossFunction, int numClasses, Optimizer optimizer, long seed,
      double movingAverageDecay, boolean validation) {
    return build(spec, lossFunction, numClasses, optimizer, seed, movingAverageDecay, validation, List.of(),
        GradientTransform.IDENTITY);
  }

  /**
   * As above, training only the variables under {@code trainScopes} (all if empty; {@link FineTuning}), with
   * {@code gradients} applied to the gradients before the optimizer (e.g. an all-reduce).
   */
  public static TrainingGraph build(ModelSpec spec, Loss lossFunction, int numClasses, Optimizer optimizer, long seed,
      double movingAverageDecay, boolean validation, List<String> trainScopes, GradientTransform gradients) {
    return build(spec, lossFunction, numClasses, optimizer, seed, movingAverageDecay, validation, trainScopes, gradients,
        Optional.empty());
  }

  /** As above, the training tower's batch norms on the global batch's moments if {@code syncBatchNorm} is present. */
  public static TrainingGraph build(ModelSpec spec, Loss lossFunction, int numClasses, Optimizer optimizer, long seed,
      double movingAverageDecay, boolean validation, List<String> trainScopes, GradientTransform gradients,
      Optional<CrossReplicaSum> syncBatchNorm) {
    return build(spec, lossFunction, numClasses, optimizer, seed, movingAverageDecay, validation, trainScopes, List.of(),
        r -> gradients, r -> syncBatchNorm);
  }

  /**
   * As above, with {@code distribution}'s gradient transform and batch norms; with its {@link
   * Distribution#replicaDevices() replica devices}, one tower a device on its share of the batch (split along
   * dimension 0): replica 0 under the plain names on the first device (its variables are {@link #variables}, the only
   * ones checkpoints hold, so a checkpoint is the same as a one-replica run's), replica r under {@code replica_r/} with
   * its own variables, gradients (all-reduced by the distribution) and optimizer update; the losses and diagnostics
   * are the replicas' means.
   */
  public static TrainingGraph build(ModelSpec spec, Loss lossFunction, int numClasses, Optimizer optimizer, long seed,
      double movingAverageDecay, boolean validation, List<String> trainScopes, Distribution distribution) {
    return build(spec, lossFunction, numClasses, optimizer, seed, movingAverageDecay, validation, trainScopes,
        distribution.replicaDevices(), distribution::gradients, distribution::syncBatchNorm);
  }

  private static TrainingGraph build(ModelSpec spec, Loss lossFunction, int numClasses, Optimizer optimizer, long seed,
      double movingAverageDecay, boolean validation, List<String> trainScopes, List<DeviceSpec> devices,
      IntFunction<GradientTransform> gradients, IntFunction<Optional<CrossReplicaSum>> syncBatchNorm) {
    Graph g = new Graph();
    try {
      Ops tf = Ops.create(g);
      int s = spec.imageSize();
      Placeholder<TFloat32> images = tf.withName("images").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, s, s, 3)));
      Placeholder<TInt32> labels = tf.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TFloat32> lr = tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Variable<TInt64> step = tf.withName("global_step").variable(tf.constant(0L));
      Operand<TFloat32> marginFactor = tf.withName("margin_factor").placeholderWithDefault(tf.constant(1f), Shape.scalar());
      Context c = new Context(spec, lossFunction, numClasses, optimizer, seed, trainScopes, marginFactor, lr, step);

      int n = Math.max(1, devices.size());
      List<Output<TFloat32>> imageSlices = n == 1 ? List.of(images.output())
          : tf.withSubScope("split").split(tf.constant(0), images, (long) n).output();
      List<Output<TInt32>> labelSlices = n == 1 ? List.of(labels.output())
          : tf.withSubScope("split").split(tf.constant(0), labels, (long) n).output();
      Replica first = replica(devices.isEmpty() ? tf : tf.withDevice(devices.get(0)), "", c,
          imageSlices.get(0), labelSlices.get(0), gradients.apply(0),
          syncBatchNorm.apply(0), n == 1 ? "total_loss" : null, null, n == 1 ? null : devices.get(0).toString());
      VariableStore store = first.store();
      Op applied = tf.withControlDependencies(first.deps()).noOp();
      MovingAverages averages = movingAverageDecay > 0
          ? MovingAverages.build(tf, store, first.trainable(), movingAverageDecay, step, applied) : null;

      Placeholder<TFloat32> evalImages = tf.withName("eval_images").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, s, s, 3)));
      Operand<TFloat32> evalEmbeddings = tf.withName("eval_embeddings").identity(EmbeddingModel.build(
          Layers.tower(store, false, 0f, Layers.BatchNormConfig.FACENET), evalImages, spec).embeddings());
      ValidationTower validationTower = validation ? ValidationTower.build(tf, store, spec, lossFunction, numClasses, marginFactor)
          : null;

      List<Replica> replicas = new ArrayList<>(List.of(first));
      List<Op> trainDeps = new ArrayList<>(List.of(averages != null ? averages.update() : applied));
      if (n > 1) {
        Checkpoints.holdOnlyVariablesSoFar(g); // the replicas' copies below are not checkpointed
        for (int r = 1; r < n; r++) {
          Replica rep = replica(tf.withDevice(devices.get(r)).withSubScope("replica_" + r), "replica_" + r, c,
              imageSlices.get(r), labelSlices.get(r), gradients.apply(r),
              syncBatchNorm.apply(r), null, first.trainable(), devices.get(r).toString());
          replicas.add(rep);
          trainDeps.addAll(rep.deps());
        }
      }
      Op train = tf.withControlDependencies(trainDeps).withName("train_op").assignAdd(step, tf.constant(1L));
      Operand<TFloat32> total = n == 1 ? first.total() : tf.withName("total_loss").identity(mean(tf, replicas, Replica::total));
      Map<String, Operand<TFloat32>> diagnostics = new LinkedHashMap<>();
      for (String k : first.diagnostics().keySet()) {
        diagnostics.put(k, n == 1 ? first.diagnostics().get(k) : mean(tf, replicas, rep -> rep.diagnostics().get(k)));
      }
      return new TrainingGraph(g, images, labels, lr, marginFactor, step, total,
          n == 1 ? first.loss() : mean(tf, replicas, Replica::loss),
          n == 1 ? first.regularization() : mean(tf, replicas, Replica::regularization), diagnostics, train, store,
          first.tower(), evalImages, evalEmbeddings, averages, validationTower,
          replicas.stream().map(Replica::store).toList());
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  /** What every replica's tower is built from. */
  private record Context(ModelSpec spec, Loss lossFunction, int numClasses, Optimizer optimizer, long seed,
      List<String> trainScopes, Operand<TFloat32> marginFactor, Placeholder<TFloat32> lr, Variable<TInt64> step) {}

  /** One replica's tower: its variables, losses, diagnostics and the ops of its update. */
  private record Replica(VariableStore store, EmbeddingModel.Tower tower, Operand<TFloat32> total,
      Operand<TFloat32> loss, Operand<TFloat32> regularization, Map<String, Operand<TFloat32>> diagnostics,
      List<VariableStore.Entry> trainable, List<Op> deps) {}

  /**
   * A training tower on {@code tf} (its device) with its own variables under {@code prefix} ("" for the plain
   * names): loss, gradients through {@code gradients}, optimizer update, batch-norm and loss updates. A replica other
   * than the first trains the copies of {@code firstTrainable}. With a {@code device} (several replicas) the gradient
   * ops are on it ({@link PlacedGradients}: {@code tf.gradients} would leave them on the default device); without one
   * (one replica) they are {@code tf.gradients}'s.
   */
  private static Replica replica(Ops tf, String prefix, Context c, Operand<TFloat32> images, Operand<TInt32> labels,
      GradientTransform gradients, Optional<CrossReplicaSum> syncBatchNorm, String totalName,
      List<VariableStore.Entry> firstTrainable, String device) {
    ModelSpec spec = c.spec();
    VariableStore store = new VariableStore(tf, c.seed());
    Layers layers = syncBatchNorm.isPresent()
        ? Layers.syncedTower(store, spec.weightDecay(), Layers.BatchNormConfig.FACENET, syncBatchNorm.get())
        : Layers.tower(store, true, spec.weightDecay(), Layers.BatchNormConfig.FACENET);
    if (!prefix.isEmpty()) layers = layers.in(prefix);
    EmbeddingModel.Tower tower = EmbeddingModel.build(layers, images, spec);
    LossOutput out = c.lossFunction().build(new LossInputs(layers, tower.prelogits(), tower.embeddings(), labels,
        c.numClasses(), c.marginFactor()));

    List<Operand<TFloat32>> reg = layers.regularizationLosses();
    Operand<TFloat32> regularization = reg.isEmpty() ? tf.constant(0f) : tf.math.addN(reg);
    Operand<TFloat32> total = (totalName != null ? tf.withName(totalName) : tf).math.add(out.loss(), regularization);

    List<VariableStore.Entry> trainable = firstTrainable == null ? FineTuning.select(store.trainable(), c.trainScopes())
        : firstTrainable.stream().map(e -> store.entry(prefix + "/" + e.path())).toList();
    List<Operand<?>> xs = new ArrayList<>();
    for (VariableStore.Entry e : trainable) xs.add(e.read());
    List<Output<?>> dys = new ArrayList<>();
    if (device == null) {
      var grads = tf.gradients(total, xs);
      for (int i = 0; i < trainable.size(); i++) dys.add(grads.dy(i));
    } else {
      dys.addAll(PlacedGradients.of(tf, total, xs, device));
    }
    dys = gated(tf, gradients.apply(tf, dys));

    List<Op> deps = new ArrayList<>(c.optimizer().apply(tf, store, trainable, dys, c.lr(), c.step()));
    deps.addAll(layers.updateOps());
    deps.addAll(out.updates());

    Map<String, Operand<TFloat32>> diagnostics = new LinkedHashMap<>(new java.util.TreeMap<>(out.diagnostics()));
    Operand<TFloat32> norms = tf.math.sqrt(tf.sum(tf.math.square(tower.prelogits()), tf.constant(1)));
    diagnostics.put("embedding_norm", tf.math.mean(norms, tf.constant(0)));
    return new Replica(store, tower, total, out.loss(), regularization, diagnostics, trainable, deps);
  }

  /**
   * {@code dys}, each available only once all of them are (TF1's {@code GATE_GRAPH}): the optimizer updates the
   * weights in place, and a layer's weights are read again after its own gradient exists, by the gradient of its input
   * (Conv2DBackpropInput); without the gate an update could run before that read, so the step's gradients would mix
   * old and new weights, differently from run to run.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static List<Output<?>> gated(Ops tf, List<Output<?>> dys) {
    List<Op> all = new ArrayList<>();
    for (Output<?> d : dys) all.add(tf.identity((Operand) d));
    Ops after = tf.withControlDependencies(List.of(tf.withSubScope("gate_gradients").withControlDependencies(all).noOp()));
    List<Output<?>> out = new ArrayList<>();
    for (Output<?> d : dys) out.add(after.identity((Operand) d).output());
    return out;
  }

  /** The mean over the replicas of one of their scalars. */
  private static Operand<TFloat32> mean(Ops tf, List<Replica> replicas,
      java.util.function.Function<Replica, Operand<TFloat32>> scalar) {
    return tf.math.div(tf.math.addN(replicas.stream().map(scalar).toList()), tf.constant((float) replicas.size()));
  }

  @Override
  public void close() {
    graph.close();
  }
}
