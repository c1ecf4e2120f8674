package org.facenet.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.facenet.loss.Loss;
import org.facenet.loss.LossInputs;
import org.facenet.loss.LossOutput;
import org.facenet.nn.CrossReplicaSum;
import org.facenet.nn.EmbeddingModel;
import org.facenet.nn.Layers;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.VariableStore;
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

  private TrainingGraph(Graph graph, Placeholder<TFloat32> images, Placeholder<TInt32> labels,
      Placeholder<TFloat32> learningRate, Operand<TFloat32> marginFactor, Variable<TInt64> globalStep, Operand<TFloat32> totalLoss,
      Operand<TFloat32> loss, Operand<TFloat32> regularization, Map<String, Operand<TFloat32>> diagnostics, Op trainOp,
      VariableStore variables, EmbeddingModel.Tower tower, Placeholder<TFloat32> evalImages,
      Operand<TFloat32> evalEmbeddings, MovingAverages movingAverages, ValidationTower validation) {
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

      VariableStore store = new VariableStore(tf, seed);
      Layers layers = syncBatchNorm.isPresent()
          ? Layers.syncedTower(store, spec.weightDecay(), Layers.BatchNormConfig.FACENET, syncBatchNorm.get())
          : Layers.tower(store, true, spec.weightDecay(), Layers.BatchNormConfig.FACENET);
      EmbeddingModel.Tower tower = EmbeddingModel.build(layers, images, spec);
      LossOutput out = lossFunction.build(new LossInputs(layers, tower.prelogits(), tower.embeddings(), labels, numClasses,
          marginFactor));

      List<Operand<TFloat32>> reg = layers.regularizationLosses();
      Operand<TFloat32> regularization = reg.isEmpty() ? tf.constant(0f) : tf.math.addN(reg);
      Operand<TFloat32> total = tf.withName("total_loss").math.add(out.loss(), regularization);

      List<VariableStore.Entry> trainable = FineTuning.select(store.trainable(), trainScopes);
      List<Operand<?>> xs = new ArrayList<>();
      for (VariableStore.Entry e : trainable) xs.add(e.read());
      var grads = tf.gradients(total, xs);
      List<Output<?>> dys = new ArrayList<>();
      for (int i = 0; i < trainable.size(); i++) dys.add(grads.dy(i));
      dys = gradients.apply(tf, dys);

      List<Op> deps = new ArrayList<>(optimizer.apply(tf, store, trainable, dys, lr, step));
      deps.addAll(layers.updateOps());
      deps.addAll(out.updates());
      Op applied = tf.withControlDependencies(deps).noOp();
      MovingAverages averages = movingAverageDecay > 0
          ? MovingAverages.build(tf, store, trainable, movingAverageDecay, step, applied) : null;
      Op train = tf.withControlDependencies(List.of(averages != null ? averages.update() : applied))
          .withName("train_op").assignAdd(step, tf.constant(1L));

      Map<String, Operand<TFloat32>> diagnostics = new LinkedHashMap<>(new java.util.TreeMap<>(out.diagnostics()));
      Operand<TFloat32> norms = tf.math.sqrt(tf.sum(tf.math.square(tower.prelogits()), tf.constant(1)));
      diagnostics.put("embedding_norm", tf.math.mean(norms, tf.constant(0)));

      Placeholder<TFloat32> evalImages = tf.withName("eval_images").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, s, s, 3)));
      Operand<TFloat32> evalEmbeddings = tf.withName("eval_embeddings").identity(EmbeddingModel.build(
          Layers.tower(store, false, 0f, Layers.BatchNormConfig.FACENET), evalImages, spec).embeddings());
      return new TrainingGraph(g, images, labels, lr, marginFactor, step, total, out.loss(), regularization, diagnostics, train,
          store, tower, evalImages, evalEmbeddings, averages,
          validation ? ValidationTower.build(tf, store, spec, lossFunction, numClasses) : null);
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  @Override
  public void close() {
    graph.close();
  }
}
