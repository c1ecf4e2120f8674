package org.facenet.train;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.facenet.data.Batch;
import org.facenet.embed.Embedder;
import org.facenet.eval.PairsEvaluation;
import org.facenet.eval.VerificationResult;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** The session runs of a training loop: a step, a held-out evaluation, a validation pass, embeddings, the step count. */
final class SessionSteps {

  private SessionSteps() {}

  /**
   * The held-out pairs embedded by the graph's inference tower (the weights as they are now, batch norm on the moving
   * statistics), facenet's LFW figures printed and written to TensorBoard as heldout/*; its time is left out of the
   * training images/s.
   */
  static void evaluate(Session session, TrainingGraph g, PairsEvaluation.HeldOutPairs heldOut, int imageSize,
      long step, TensorBoardWriter events, ProgressDisplay progress, Consumer<String> warnings) {
    long t0 = System.nanoTime();
    PairsEvaluation.Evaluation e = g.movingAverages == null
        ? heldOut.evaluate(imageSize, warnings, pixels -> embed(session, g, pixels, imageSize))
        : g.movingAverages.withAverages(session, g.graph,
            () -> heldOut.evaluate(imageSize, warnings, pixels -> embed(session, g, pixels, imageSize)));
    VerificationResult r = e.results().get(0);
    long elapsed = System.nanoTime() - t0;
    progress.exclude(elapsed);
    progress.message(String.format(Locale.ROOT,
        "step %d: held-out accuracy %.4f +- %.4f, VAL@FAR=1e-3 %.4f, AUC %.4f (%d pairs%s, %s%.1f s)", step,
        r.accuracyMean(), r.accuracyStd(), r.valMean(), r.auc(), r.pairs(),
        e.missing().isEmpty() ? "" : ", " + e.missing().size() + " skipped",
        g.movingAverages == null ? "" : "moving-average weights, ", elapsed / 1e9));
    events.scalar(step, "heldout/accuracy", r.accuracyMean());
    events.scalar(step, "heldout/val_at_far_1e-3", r.valMean());
    events.scalar(step, "heldout/auc", r.auc());
    events.flush();
  }

  /** One optimizer step on {@code batch}: the total loss, with the loss terms and diagnostics put in {@code diag}. */
  static double trainStep(Session session, TrainingGraph g, Batch batch, double lr, double marginFactor,
      List<String> diagNames, Map<String, Double> diag) {
    try (TFloat32 images = TFloat32.tensorOf(Shape.of(batch.size, batch.imageSize, batch.imageSize, 3),
            DataBuffers.of(batch.pixels, true, false));
        TInt32 labels = TInt32.tensorOf(Shape.of(batch.size), DataBuffers.of(batch.labels, true, false));
        TFloat32 lrT = TFloat32.scalarOf((float) lr);
        TFloat32 marginT = TFloat32.scalarOf((float) marginFactor)) {
      Session.Runner runner = session.runner().feed(g.images, images).feed(g.labels, labels)
          .feed(g.learningRate, lrT).feed(g.marginFactor, marginT).addTarget(g.trainOp).fetch(g.totalLoss).fetch(g.loss).fetch(g.regularization);
      for (String n : diagNames) runner.fetch(g.diagnostics.get(n));
      try (Result r = runner.run()) {
        diag.put("loss_term", (double) ((TFloat32) r.get(1)).getFloat());
        diag.put("regularization", (double) ((TFloat32) r.get(2)).getFloat());
        for (int i = 0; i < diagNames.size(); i++) diag.put(diagNames.get(i), (double) ((TFloat32) r.get(i + 3)).getFloat());
        return ((TFloat32) r.get(0)).getFloat();
      }
    }
  }

  /**
   * The validation split's loss and diagnostics at {@code marginFactor} (the margin the last training step used),
   * printed and written to TensorBoard as validation/*.
   */
  static void validate(Session session, TrainingGraph g, ValidationSet validation, long step, double marginFactor,
      TensorBoardWriter events, ProgressDisplay progress) throws InterruptedException {
    long t0 = System.nanoTime();
    Map<String, Double> values = validation.evaluate(session, g.validation, marginFactor);
    long elapsed = System.nanoTime() - t0;
    progress.exclude(elapsed);
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "step %d: validation", step));
    values.forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s %.4f", k, v)));
    progress.message(line.append(String.format(Locale.ROOT, " (%d images, %.1f s)", validation.images(), elapsed / 1e9))
        .toString());
    values.forEach((k, v) -> events.scalar(step, "validation/" + k, v));
    events.flush();
  }

  /** The embeddings of {@code pixels} (NHWC, {@code size} px) by the graph's inference tower. */
  static float[][] embed(Session session, TrainingGraph g, float[] pixels, int size) {
    int n = pixels.length / (size * size * 3);
    try (TFloat32 images = TFloat32.tensorOf(Shape.of(n, size, size, 3), DataBuffers.of(pixels, true, false));
        Result r = session.runner().feed(g.evalImages, images).fetch(g.evalEmbeddings).run()) {
      return Embedder.rows((TFloat32) r.get(0));
    }
  }

  /** The graph's global step. */
  static long readStep(Session session, TrainingGraph g) {
    try (Result r = session.runner().fetch(g.globalStep).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }
}
