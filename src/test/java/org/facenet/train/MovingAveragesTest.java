package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.facenet.loss.LossOptions;
import org.facenet.loss.Losses;
import org.facenet.nn.VariableStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** The moving average of the weights against the recurrence written out by hand, and what uses it. */
class MovingAveragesTest {

  private static final float[] C = {0.5f, -1.5f, 2f};
  private static final float[] W0 = {1f, 2f, -3f};
  private static final double LR = 0.3;
  private static final double DECAY = 0.9;

  @TempDir
  Path dir;

  private static float[] fetch(Session s, Operand<TFloat32> x) {
    try (Result r = s.runner().fetch(x).run()) {
      float[] v = new float[3];
      ((TFloat32) r.get(0)).copyTo(DataBuffers.of(v, false, false));
      return v;
    }
  }

  @Test
  void fiveStepsFollowTheRecurrenceWithFacenetsStepDependentRate() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, 1);
      VariableStore.Entry w = store.get("w", new long[] {3}, (t, shape, seed) -> t.constant(W0), true);
      org.tensorflow.op.core.Variable<TInt64> step = tf.variable(tf.constant(0L));
      Operand<TFloat32> loss = tf.sum(tf.math.mul(tf.constant(C), tf.math.div(tf.math.square(w.read()), tf.constant(2f))),
          tf.constant(0));
      var grads = tf.gradients(loss, List.of(w.read()));
      List<Output<?>> dys = new ArrayList<>(List.of(grads.dy(0)));
      Op applied = tf.withControlDependencies(Optimizer.facenet(OptimizerKind.SGD)
          .apply(tf, store, store.trainable(), dys, tf.constant((float) LR), step)).noOp();
      MovingAverages ema = MovingAverages.build(tf, store, store.trainable(), DECAY, step, applied);
      Op train = tf.withControlDependencies(List.of(ema.update())).assignAdd(step, tf.constant(1L));
      Operand<TFloat32> average = store.entry("w/ExponentialMovingAverage").read();
      try (Session s = new Session(g)) {
        s.initialize();
        ema.start(s);
        double[] wRef = {W0[0], W0[1], W0[2]};
        double[] avgRef = wRef.clone();
        assertArrayEquals(W0, fetch(s, average), "the average starts at the initial weights");
        for (int t = 0; t < 5; t++) {
          s.runner().addTarget(train).run();
          double d = Math.min(DECAY, (1.0 + t) / (10.0 + t));
          for (int i = 0; i < 3; i++) {
            wRef[i] -= LR * C[i] * wRef[i];
            avgRef[i] -= (1 - d) * (avgRef[i] - wRef[i]);
          }
          float[] got = fetch(s, average);
          for (int i = 0; i < 3; i++) assertEquals(avgRef[i], got[i], 1e-5, "step " + (t + 1) + " avg[" + i + "]");
        }
        float[] weights = fetch(s, w.read());
        for (int i = 0; i < 3; i++) assertEquals(wRef[i], weights[i], 1e-5);
        // the averages in the weights' place, and back
        List<float[]> saved = ema.useAverages(s);
        float[] swapped = fetch(s, w.read());
        for (int i = 0; i < 3; i++) assertEquals(avgRef[i], swapped[i], 1e-5);
        ema.restoreWeights(s, saved, g);
        assertArrayEquals(weights, fetch(s, w.read()));
      }
    }
  }

  @Test
  void aRunWithAMovingAverageExportsTheAveragedWeightsAndKeepsTheTrainedOnesInItsCheckpoint() throws Exception {
    Path data = TrainerTest.tinyDataset(dir.resolve("data"));
    TrainingConfig config = TrainerTest.config(data, 1, 0.01, OptimizerKind.ADAM)
        .withRecipe(new FacenetRecipe(0.9999, 0, 1, 0, 0));
    TrainingResult r = new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false).train(config, dir.resolve("run"));
    assertEquals(dir.resolve("run/averaged/model"), r.exportCheckpoint());
    Map<String, float[]> trained = values(config, r.checkpoint());
    Map<String, float[]> averaged = values(config, r.exportCheckpoint());
    int compared = 0;
    for (VariableStore.Entry e : entries(config)) {
      if (!e.trainable()) continue;
      assertArrayEquals(trained.get(e.path() + "/ExponentialMovingAverage"), averaged.get(e.path()), e.path());
      compared++;
    }
    assertTrue(compared > 10);
    String some = "InceptionResnetV1/Bottleneck/weights";
    assertNotEquals(java.util.Arrays.toString(trained.get(some)), java.util.Arrays.toString(averaged.get(some)),
        "the checkpoint keeps the trained weights");
  }

  private static List<VariableStore.Entry> entries(TrainingConfig config) {
    try (TrainingGraph g = graph(config)) {
      return g.variables.entries();
    }
  }

  private static TrainingGraph graph(TrainingConfig config) {
    return TrainingGraph.build(config.model(), Losses.create("softmax", LossOptions.defaults()), 4,
        Optimizer.facenet(OptimizerKind.ADAM), 1, config.recipe().movingAverageDecay(), false);
  }

  /** Every variable's value in {@code checkpoint}. */
  private static Map<String, float[]> values(TrainingConfig config, Path checkpoint) {
    try (TrainingGraph g = graph(config); Session s = new Session(g.graph)) {
      s.restore(checkpoint.toString());
      return g.variables.values(s);
    }
  }
}
