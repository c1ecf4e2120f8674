package org.facenet.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.facenet.eval.PairsEvaluation;
import org.facenet.export.ModelExporter;
import org.facenet.export.ModelMetadata;
import org.facenet.train.TrainingConfig;
import org.facenet.train.TrainingResult;

/** What facenet-train writes and prints after training: the SavedModel, the TF Serving copy, the held-out report. */
final class TrainedRunOutputs {

  private TrainedRunOutputs() {}

  /**
   * Exports the run's weights (the moving averages when the run chose them) to RUN/saved_model and, with
   * {@code servingDir}, a TF Serving version; evaluates the export on the run's held-out pairs beside raw pixels; with
   * {@code timeBudget} (a new run's --time-budget) prints what the budget was spent on.
   */
  static void exportAndEvaluate(TrainingResult result, String dataset, Path servingDir, String timeBudget)
      throws IOException {
    long exportStarted = System.nanoTime();
    TrainingConfig config = TrainingConfig.load(result.runDir().resolve("run.properties"));
    Path savedModel = result.runDir().resolve("saved_model");
    ModelExporter.export(config.model(), result.exportCheckpoint(), savedModel,
        new ModelMetadata(config.model()).put("dataset", dataset).put("loss", config.loss()).put("steps", result.lastStep())
            .put("weights", result.weights()),
        org.facenet.io.AtomicFiles.Existing.REPLACE); // the run's own saved_model, re-exported on --resume
    System.out.println("SavedModel: " + savedModel + " (tag serve, signature serving_default: images -> embeddings)"
        + (TrainingResult.MOVING_AVERAGE.equals(result.weights()) ? "; the moving averages of the weights "
            + "(--moving-average-decay " + config.recipe().movingAverageDecay() + ")" : ""));
    if (servingDir != null) {
      Path version = org.facenet.export.ServingLayout.export(config.model(), result.exportCheckpoint(), servingDir,
          new ModelMetadata(config.model()).put("dataset", dataset).put("loss", config.loss()).put("steps", result.lastStep())
              .put("weights", result.weights()));
      System.out.println("TF Serving: " + version + " (signatures serving_default, embed_image_bytes: image_bytes -> embeddings)");
    }
    if (config.pairsFile() != null) {
      PairsEvaluation.Report report = PairsEvaluation.evaluateWithBaseline(savedModel, config.pairsFile(),
          config.pairsDir(), msg -> System.err.println("warning: " + msg));
      System.out.print(report.summary());
      try (org.facenet.train.TensorBoardWriter events = new org.facenet.train.TensorBoardWriter(result.runDir())) {
        events.scalar(result.lastStep(), "heldout/accuracy", report.model().accuracyMean());
        events.scalar(result.lastStep(), "heldout/val_at_far_1e-3", report.model().valMean());
        events.scalar(result.lastStep(), "heldout/auc", report.model().auc());
        events.scalar(result.lastStep(), "heldout/raw_pixel_accuracy", report.rawPixels().accuracyMean());
      }
    }
    if (timeBudget != null) {
      double end = (System.nanoTime() - exportStarted) / 1e9;
      System.out.printf(java.util.Locale.ROOT, "time budget %s: %.0f s used (training %.0f s, export and evaluation %.0f s)%n",
          timeBudget, result.seconds() + end, result.seconds(), end);
    }
  }
}
