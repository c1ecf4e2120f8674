package org.facenet.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.facenet.io.AtomicFiles;
import org.facenet.nn.Initializer;
import org.facenet.nn.VariableStore;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * facenet's {@code --moving_average_decay}: an exponential moving average of every trainable weight, kept in the graph
 * as a variable {@code path/ExponentialMovingAverage} (TF Python's name, so checkpoints carry it) and updated by
 * each training step after the optimizer has applied its gradients:
 * {@code avg <- avg - (1 - d_t) (avg - w)}, with facenet's {@code ExponentialMovingAverage(decay, global_step)}
 * rate {@code d_t = min(decay, (1 + t) / (10 + t))}, t the global step before the increment. A fresh run starts
 * each average at its weight's initial value. {@link #useAverages} / {@link #restoreWeights} put the averages in the
 * weights' place for the held-out evaluation and the export, and back.
 */
public final class MovingAverages {

  private final List<VariableStore.Entry> weights;
  private final Op update;
  private final Op copyWeights;
  private final Op loadAverages;

  private MovingAverages(List<VariableStore.Entry> weights, Op update, Op copyWeights, Op loadAverages) {
    this.weights = weights;
    this.update = update;
    this.copyWeights = copyWeights;
    this.loadAverages = loadAverages;
  }

  /**
   * The averages of {@code weights} with their update op, which runs after {@code applied} (the optimizer's step)
   * and reads {@code step} before its increment.
   */
  static MovingAverages build(Ops tf, VariableStore store, List<VariableStore.Entry> weights, double decay,
      Operand<TInt64> step, Op applied) {
    Ops after = tf.withControlDependencies(List.of(applied));
    Operand<TFloat32> t = after.dtypes.cast(step, TFloat32.class);
    Operand<TFloat32> d = after.math.minimum(after.constant((float) decay),
        after.math.div(after.math.add(after.constant(1f), t), after.math.add(after.constant(10f), t)));
    Operand<TFloat32> oneMinusD = after.math.sub(after.constant(1f), d);
    List<Op> updates = new ArrayList<>();
    List<Op> copies = new ArrayList<>();
    List<Op> loads = new ArrayList<>();
    for (VariableStore.Entry e : weights) {
      Variable<TFloat32> avg = store.get(e.path() + "/ExponentialMovingAverage", e.shape(), Initializer.zeros(), false)
          .variable();
      Operand<TFloat32> w = after.identity(e.variable());
      updates.add(after.assignSub(avg, after.math.mul(oneMinusD, after.math.sub(after.identity(avg), w))));
      copies.add(tf.assign(avg, tf.identity(e.variable())));
      loads.add(tf.assign(e.variable(), tf.identity(avg)));
    }
    return new MovingAverages(List.copyOf(weights), tf.withControlDependencies(updates).noOp(),
        tf.withControlDependencies(copies).noOp(), tf.withControlDependencies(loads).noOp());
  }

  /** The op a training step runs after its gradients: every average's update. */
  Op update() {
    return update;
  }

  /** Starts every average at its weight's current value (a fresh run, after initialisation). */
  void start(Session session) {
    session.runner().addTarget(copyWeights).run();
  }

  /** Puts the averages in the weights' place; returns the weights, for {@link #restoreWeights}. One run each way. */
  List<float[]> useAverages(Session session) {
    List<float[]> saved = VariableStore.read(session, weights);
    session.runner().addTarget(loadAverages).run();
    return saved;
  }

  /** Puts back the weights {@link #useAverages} returned, in one run. */
  void restoreWeights(Session session, List<float[]> saved, Graph graph) {
    List<TFloat32> tensors = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (int i = 0; i < weights.size(); i++) {
        VariableStore.Entry e = weights.get(i);
        TFloat32 t = TFloat32.tensorOf(Shape.of(e.shape()),
            org.tensorflow.ndarray.buffer.DataBuffers.of(saved.get(i), true, false));
        tensors.add(t);
        runner.feed(e.initialValue(), t).addTarget(graph.operation(e.path() + "/Assign"));
      }
      runner.run();
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  /** Runs {@code body} with the averages in the weights' place, then puts the weights back. */
  <T> T withAverages(Session session, Graph graph, java.util.function.Supplier<T> body) {
    List<float[]> saved = useAverages(session);
    try {
      return body.get();
    } finally {
      restoreWeights(session, saved, graph);
    }
  }

  /**
   * Saves a checkpoint whose weights are the averages ({@code RUN/averaged/model}, replaced whole), what the export
   * reads; returns its prefix.
   */
  Path saveAveraged(Session session, Graph graph, Path runDir) throws IOException {
    Path target = runDir.resolve("averaged");
    List<float[]> saved = useAverages(session);
    try {
      AtomicFiles.writeDirectory(target, AtomicFiles.Existing.REPLACE, // the run's own averaged/, written again
          tmp -> session.save(tmp.resolve(Checkpoints.PREFIX).toString()));
    } finally {
      restoreWeights(session, saved, graph);
    }
    return target.resolve(Checkpoints.PREFIX);
  }
}
