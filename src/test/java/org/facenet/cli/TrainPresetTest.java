package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.facenet.train.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --preset quick|facenet: what each sets, with --data, and that every flag given explicitly overrides it. */
class TrainPresetTest {

  @TempDir
  Path dir;

  private TrainingConfig config(String... args) throws Exception {
    return config(dir, args);
  }

  /** What facenet-train's command line gives with {@code --data DIR/data} and {@code args}, without training. */
  static TrainingConfig config(Path dir, String... args) throws Exception {
    Files.createDirectories(dir.resolve("data"));
    List<String> all = new ArrayList<>(List.of("--data", dir.resolve("data").toString()));
    all.addAll(List.of(args));
    TrainCommand command = new TrainCommand();
    new CommandLine(command).parseArgs(all.toArray(String[]::new));
    return command.config(null);
  }

  private static void assertRecipe(TrainingConfig c, int size, int embedding, float width, float depth, int batch,
      int epochSize, int epochs, double lr, float normFactor) {
    assertEquals(size, c.model().imageSize(), "image size");
    assertEquals(embedding, c.model().embeddingSize(), "embedding size");
    assertEquals(width, c.model().config().width(), "width");
    assertEquals(depth, c.model().config().depth(), "depth");
    assertEquals(batch, c.batchSize(), "batch");
    assertEquals(epochSize, c.epochSize(), "epoch size");
    assertEquals(epochs, c.maxEpochs(), "epochs");
    assertEquals(lr, c.learningRate(), "learning rate");
    assertEquals(normFactor, c.lossOptions().prelogitsNormFactor(), "prelogits norm factor");
    assertEquals(epochSize, c.evalEvery(), "evaluations every epoch");
  }

  @Test
  void withDataTheDefaultIsFacenetsRecipeAndQuickIsTheSyntheticPresetsNetwork() throws Exception {
    assertRecipe(config(), 160, 512, 1f, 1f, 90, 1000, 100, 0.05, 5e-4f);
    assertRecipe(config("--preset", "facenet"), 160, 512, 1f, 1f, 90, 1000, 100, 0.05, 5e-4f);
    assertRecipe(config("--preset", "quick"), 96, 128, 0.5f, 0.2f, 64, 200, 6, 0.05, 0f);
  }

  @Test
  void everyFlagGivenExplicitlyOverridesEitherPreset() throws Exception {
    String[] explicit = {"--image-size", "112", "--embedding-size", "64", "--width", "0.75", "--depth", "0.4",
        "--batch-size", "32", "--epoch-size", "50", "--max-epochs", "3", "--learning-rate", "0.01",
        "--prelogits-norm-factor", "1e-3"};
    for (String preset : List.of("quick", "facenet")) {
      List<String> args = new ArrayList<>(List.of("--preset", preset));
      args.addAll(List.of(explicit));
      assertRecipe(config(args.toArray(String[]::new)), 112, 64, 0.75f, 0.4f, 32, 50, 3, 0.01, 1e-3f);
    }
    assertEquals(7, config("--preset", "quick", "--eval-every", "7").evalEvery());
  }

  @Test
  void aTimeBudgetTakesThePlaceOfMaxEpochs() throws Exception {
    assertEquals(6, config("--preset", "quick", "--time-budget", "10m").maxEpochs(), "the preset's epochs stay");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> config("--time-budget", "10m", "--max-epochs", "2"));
    assertTrue(e.getMessage().contains("drop --max-epochs"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> config("--time-budget", "10"));
    assertTrue(e.getMessage().contains("'10' is not a duration"), e.getMessage());
  }

  @Test
  void anUnknownPresetIsNamedAndTheHelpSaysWhatEachSets() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config("--preset", "fast"));
    assertTrue(e.getMessage().contains("unknown preset 'fast'; known: quick, facenet"), e.getMessage());
    CommandsTest.Run r = CommandsTest.run("train", "--data", dir.resolve("data").toString(), "--preset", "fast",
        "--models-dir", dir.resolve("models").toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("unknown preset 'fast'"), r.err());
    assertTrue(!Files.exists(dir.resolve("models")), "nothing created");
    String help = new CommandLine(new TrainCommand()).getUsageMessage().replaceAll("\\s+", " ");
    assertTrue(help.contains("quick: reduced Inception-ResNet-v1 at 96 px, width 0.5, depth 0.2, 128-D, batch 64"), help);
    assertTrue(help.contains("facenet: the published recipe"), help);
  }
}
