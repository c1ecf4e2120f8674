package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.facenet.data.SyntheticFaces;
import org.facenet.eval.PairsEvaluation;
import org.facenet.export.ModelExporter;
import org.facenet.export.ModelMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With --moving-average-decay and held-out pairs the run compares the averaged and the trained weights on the pairs
 * and exports the better, saying so; the figures it prints are the exported model's.
 */
class AveragedWeightsChoiceTest {

  @TempDir
  Path dir;

  @Test
  void theBetterWeightsOnTheHeldOutPairsAreExportedAndNamed() throws Exception {
    SyntheticFaces.Summary synth = SyntheticFaces.generate(dir.resolve("synth"),
        new SyntheticFaces.Config(1, 4, 4, 4, 3, 75, 2, 3));
    TrainingConfig config = TrainerTest.config(synth.trainDir(), 2, 0.05, OptimizerKind.ADAM)
        .withEvaluation(synth.pairsFile(), synth.heldOutDir(), 0).withRecipe(new FacenetRecipe(0.9999, 0, 1, 0, 0));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TrainingResult r = new Trainer(new PrintStream(log, true, StandardCharsets.UTF_8), false)
        .train(config, dir.resolve("run"));
    String out = log.toString(StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("final weights: held-out accuracy ([0-9.]+) \\(VAL@FAR=1e-3 ([0-9.]+)\\) with the "
        + "moving averages, ([0-9.]+) \\(([0-9.]+)\\) with the trained weights: exporting the (moving averages|trained "
        + "weights)").matcher(out);
    assertTrue(m.find(), out);
    double avgAcc = Double.parseDouble(m.group(1)), avgVal = Double.parseDouble(m.group(2));
    double trAcc = Double.parseDouble(m.group(3)), trVal = Double.parseDouble(m.group(4));
    boolean averaged = avgAcc > trAcc || avgAcc == trAcc && avgVal >= trVal;
    assertEquals(averaged ? "moving averages" : "trained weights", m.group(5));
    assertEquals(averaged ? TrainingResult.MOVING_AVERAGE : TrainingResult.TRAINED, r.weights());
    assertEquals(averaged ? dir.resolve("run/averaged/model") : r.checkpoint(), r.exportCheckpoint());

    // Both figures are what the weights exported from each give.
    for (boolean avg : List.of(true, false)) {
      Path model = dir.resolve(avg ? "averaged-model" : "trained-model");
      Path checkpoint = avg ? dir.resolve("run/averaged/model") : r.checkpoint();
      if (avg && !averaged) {
        continue; // the averaged checkpoint is written only when it is exported
      }
      ModelExporter.export(config.model(), checkpoint, model, new ModelMetadata(config.model()));
      PairsEvaluation.Report report = PairsEvaluation.evaluateWithBaseline(model, synth.pairsFile(), synth.heldOutDir(),
          msg -> { });
      assertEquals(String.format(Locale.ROOT, "%.4f", avg ? avgAcc : trAcc),
          String.format(Locale.ROOT, "%.4f", report.model().accuracyMean()), avg ? "averaged" : "trained");
    }
  }
}
