package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.facenet.data.DecodedImageCache;
import org.facenet.train.ImageCacheSettings;
import org.facenet.train.TinyDatasetFixture;
import org.facenet.train.TrainingConfig;
import org.junit.jupiter.api.Test;

/** facenet-train's flags: ranges, the --data preset's recipe, and what --resume does with settings given again. */
class TrainCommandTest extends TinyDatasetFixture {

  private static String[] tiny(String runName, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--models-dir",
        dir.resolve("models").toString(), "--run-name", runName, "--image-size", "75", "--width", "0.125", "--depth",
        "0.2", "--embedding-size", "16", "--batch-size", "8", "--epoch-size", "5", "--max-epochs", "1",
        "--learning-rate", "0.01", "--input-threads", "1", "--no-export"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void numericOptionsOutsideTheirRangeAreRefusedNamingTheOptionBeforeAnythingIsCreated() {
    for (String[] bad : List.of(new String[] {"--image-size", "10000"}, new String[] {"--people-per-batch", "1"},
        new String[] {"--keep-probability", "0"}, new String[] {"--moving-average-decay", "1"},
        new String[] {"--learning-rate-decay-factor", "0"}, new String[] {"--margin", "-1"},
        new String[] {"--validation-set-split-ratio", "1"}, new String[] {"--epoch-size", "0"})) {
      List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--models-dir",
          dir.resolve("models").toString(), "--run-name", "ranges"));
      args.addAll(List.of(bad));
      CommandsTest.Run r = CommandsTest.run(args.toArray(String[]::new));
      assertEquals(2, r.exit(), String.join(" ", bad) + ": " + r.err());
      assertTrue(r.err().contains(bad[0] + " must be"), r.err());
    }
    assertFalse(Files.exists(dir.resolve("models/ranges")));
  }

  @Test
  void resumeHonoursAndRecordsTheSettingsThatMayChangeAndRefusesTheOthersNamingThem() throws Exception {
    CommandsTest.Run first = CommandsTest.run(tiny("resume", "--cache-images", "off"));
    assertEquals(0, first.exit(), first.err());
    Path run = dir.resolve("models/resume");
    TrainingConfig before = TrainingConfig.load(run.resolve("run.properties"));
    assertEquals(5e-4f, before.lossOptions().prelogitsNormFactor(), "--data runs use facenet's published 5e-4");
    assertEquals(new ImageCacheSettings(DecodedImageCache.Mode.OFF, 0), before.imageCache(), "--cache-images is saved");

    CommandsTest.Run refused = CommandsTest.run("train", "--resume", run.toString(), "--backbone", "resnet18",
        "--embedding-size", "32", "--loss", "arcface", "--learning-rate", "0.001", "--cache-images", "on");
    assertEquals(2, refused.exit(), refused.out());
    assertTrue(refused.err().contains("cannot change: backbone resnet18 (the run has inception-resnet-v1), "
        + "embedding_size 32 (the run has 16), loss arcface (the run has softmax)"), refused.err());
    assertEquals(before, TrainingConfig.load(run.resolve("run.properties")), "a refused resume changes nothing");

    // the same values as the run's are no change
    CommandsTest.Run resumed = CommandsTest.run("train", "--resume", run.toString(), "--learning-rate", "0.001",
        "--max-epochs", "2", "--checkpoint-every", "2", "--backbone", "inception-resnet-v1", "--embedding-size", "16",
        "--cache-images", "on", "--cache-memory", "50", "--no-export");
    assertEquals(0, resumed.exit(), resumed.err());
    // the image cache is a performance setting, as the threads: it may change, and is said and recorded
    assertTrue(resumed.out().contains("resume: cache_images off -> on"), resumed.out());
    assertTrue(resumed.out().contains("resume: cache_memory none -> 50"), resumed.out());
    assertFalse(resumed.err().contains("--cache-images has no effect"), resumed.err());
    assertTrue(resumed.out().contains("resume: learning_rate 0.01 -> 0.001"), resumed.out());
    assertTrue(resumed.out().contains("resume: max_epochs 1 -> 2"), resumed.out());
    assertTrue(resumed.out().contains("resume: checkpoint_every 500 -> 2"), resumed.out());
    assertFalse(resumed.out().contains("resume: backbone"), resumed.out());
    assertTrue(resumed.out().lines().anyMatch(l -> l.startsWith("model: ") && l.contains("lr constant 0.001")),
        resumed.out());
    TrainingConfig after = TrainingConfig.load(run.resolve("run.properties"));
    assertEquals(0.001, after.learningRate());
    assertEquals(2, after.maxEpochs());
    assertEquals(2, after.checkpointEvery());
    assertEquals(new ImageCacheSettings(DecodedImageCache.Mode.ON, 50), after.imageCache());
    assertTrue(Files.isDirectory(run.resolve("checkpoints/step-00000008")), "checkpoints every 2 steps now");
  }

  @Test
  void anExplicitPrelogitsNormFactorWinsOverTheDataPreset() throws Exception {
    CommandsTest.Run r = CommandsTest.run(tiny("prelogits", "--prelogits-norm-factor", "0"));
    assertEquals(0, r.exit(), r.err());
    assertEquals(0f, TrainingConfig.load(dir.resolve("models/prelogits/run.properties")).lossOptions()
        .prelogitsNormFactor());
  }
}
