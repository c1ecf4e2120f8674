package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.facenet.data.Batch;
import org.facenet.loss.Loss;
import org.facenet.loss.LossOptions;
import org.facenet.loss.Losses;
import org.facenet.loss.MarginSoftmaxLoss;
import org.facenet.train.schedule.ScheduleOptions;
import org.facenet.train.schedule.StepSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * The validation tower's loss follows the margin warm-up: at a step inside the ramp it is ArcFace at the ramped
 * margin (a float64 computation on the tower's embeddings and the ArcFace weights), not at the full one; past the ramp
 * it is the full margin's. And the trainer feeds the tower the margin its training step used.
 */
class ValidationMarginWarmupTest {

  private static final int N = 6, C = 4, SIZE = TrainerTest.TINY.imageSize();
  private static final int[] Y = {0, 1, 2, 3, 0, 2};

  @TempDir
  Path dir;

  /** ArcFace by hand in float64: mean CE of s cos with the target column s cos(theta + m) (s cos - s m sin m past pi - m). */
  private static double arcface(float[][] e, float[] w, double s, double m) {
    int d = e[0].length;
    double total = 0;
    for (int i = 0; i < N; i++) {
      double[] logits = new double[C];
      for (int j = 0; j < C; j++) {
        double dot = 0, ee = 0, ww = 0;
        for (int k = 0; k < d; k++) {
          dot += e[i][k] * (double) w[k * C + j];
          ee += e[i][k] * (double) e[i][k];
          ww += w[k * C + j] * (double) w[k * C + j];
        }
        double cos = dot / Math.sqrt(ee * ww);
        if (j == Y[i]) {
          double theta = Math.acos(Math.min(Math.max(cos, -1 + 1e-7), 1 - 1e-7));
          cos = theta > Math.PI - m ? cos - m * Math.sin(m) : Math.cos(theta + m);
        }
        logits[j] = s * cos;
      }
      double max = Double.NEGATIVE_INFINITY, sum = 0;
      for (double l : logits) max = Math.max(max, l);
      for (double l : logits) sum += Math.exp(l - max);
      total += max + Math.log(sum) - logits[Y[i]];
    }
    return total / N;
  }

  @Test
  void theValidationLossIsArcFaceAtTheRampedMargin() {
    MarginSoftmaxLoss arc = MarginSoftmaxLoss.arcFace(LossOptions.defaults());
    // 8 steps, the margin ramped over the first 4: factor t / 4 after t steps
    StepSchedule schedule = new StepSchedule(LearningRateSchedule.constant(0.01), 10,
        new ScheduleOptions(ScheduleOptions.Decay.CONSTANT, 0, 0, 0, 2, 0.5, null), 8);
    float[] pixels = new float[N * SIZE * SIZE * 3];
    Random r = new Random(3);
    for (int i = 0; i < pixels.length; i++) pixels[i] = r.nextInt(256);
    Batch batch = new Batch(pixels, Y, N, SIZE);
    try (TrainingGraph g = TrainingGraph.build(TrainerTest.TINY, arc, C, Optimizer.facenet(OptimizerKind.ADAM), 7, 0, true);
        Session session = new Session(g.graph)) {
      session.initialize();
      float[][] e = SessionSteps.embed(session, g, pixels, SIZE);
      float[] w;
      try (Result res = session.runner().fetch(g.variables.entry(MarginSoftmaxLoss.SCOPE + "/weights").read()).run()) {
        TFloat32 t = (TFloat32) res.get(0);
        w = new float[(int) t.shape().size()];
        t.copyTo(DataBuffers.of(w, false, false));
      }
      double s = arc.scale(), m = arc.angularMargin();
      double full = arcface(e, w, s, m);
      for (long step : new long[] {1, 2, 3}) {
        double factor = schedule.marginFactor(step);
        assertEquals(step / 4.0, factor, 1e-12);
        double loss = g.validation.evaluate(session, batch, factor).get("loss");
        double expected = arcface(e, w, s, m * factor);
        assertEquals(expected, loss, 1e-4 * Math.abs(expected), "step " + step + ", margin x " + factor);
        assertTrue(Math.abs(full - loss) > 100 * 1e-4 * Math.abs(full),
            "step " + step + ": " + loss + " is not the full margin's " + full);
      }
      for (long step : new long[] {4, 7}) {
        assertEquals(1.0, schedule.marginFactor(step));
        double loss = g.validation.evaluate(session, batch, schedule.marginFactor(step)).get("loss");
        assertEquals(full, loss, 1e-4 * Math.abs(full), "step " + step + ": past the ramp, the full margin");
      }
    }
  }

  /** validation/loss by step from the run's TensorBoard events. */
  private static Map<Long, Float> validationLosses(Path run) throws Exception {
    Map<Long, Float> out = new HashMap<>();
    try (var files = Files.list(run)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList()) {
        for (org.tensorflow.proto.Event ev : TensorBoardWriterTest.readEvents(f)) {
          for (org.tensorflow.proto.Summary.Value v : ev.getSummary().getValueList()) {
            if (v.getTag().equals("validation/loss")) out.put(ev.getStep(), v.getSimpleValue());
          }
        }
      }
    }
    return out;
  }

  private Map<Long, Float> train(String name, double marginWarmup) throws Exception {
    // SGD at 1e-30 leaves the weights as initialised; the two runs see the same batches, so their moving batch-norm
    // statistics, and their validation towers, differ only by the margin fed
    TrainingConfig config = TrainerTest.config(dir.resolve("data"), 1, 1e-30, OptimizerKind.SGD)
        .withRecipe(new FacenetRecipe(0, 0, 1, 0.34, 2)).withChanges(Map.of("loss", "arcface", "eval_every", "1"));
    Path run = dir.resolve(name);
    new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false)
        .withSchedule(new ScheduleOptions(ScheduleOptions.Decay.CONSTANT, 0, 0, 0, 2, marginWarmup, null))
        .train(config, run);
    return validationLosses(run);
  }

  @Test
  void theTrainerValidatesAtTheMarginItsStepTrainedWith() throws Exception {
    TrainerTest.tinyDataset(dir.resolve("data"));
    Map<Long, Float> ramped = train("ramped", 0.4); // 5 steps, ramp over 2: steps 1, 2 trained at 0 and 0.5 of m
    Map<Long, Float> full = train("full", 0);
    assertEquals(5, ramped.size(), ramped.toString());
    assertEquals(5, full.size(), full.toString());
    for (long step = 1; step <= 2; step++) {
      assertTrue(ramped.get(step) < full.get(step) - 1, "step " + step + ": " + ramped + " vs " + full);
    }
    assertTrue(ramped.get(1L) < ramped.get(2L), "a larger margin, a larger loss: " + ramped);
    for (long step = 3; step <= 5; step++) {
      assertEquals(full.get(step), ramped.get(step), 1e-4 * full.get(step), "step " + step + ": past the ramp");
    }
  }
}
