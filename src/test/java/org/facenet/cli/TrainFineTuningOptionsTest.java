package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** facenet-train's fine-tuning options as a user types them (the training itself: train/FineTuningTest). */
class TrainFineTuningOptionsTest {

  @TempDir
  Path dir;

  @Test
  void resumeKeepsTheRunsOwnFineTuning() {
    CommandsTest.Run r = CommandsTest.run("train", "--resume", dir.resolve("run").toString(), "--pretrained-model",
        dir.resolve("20180402-114759").toString());
    assertEquals(ErrorHandler.BAD_INPUT, r.exit(), r.err());
    assertTrue(r.err().contains("--resume keeps the run's own"), r.err());
  }

  @Test
  void aMissingPretrainedModelIsNamedBeforeTheRunFolderIsMade() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data").resolve("someone"));
    Path missing = dir.resolve("no-such-model");
    CommandsTest.Run r = CommandsTest.run("train", "--data", data.getParent().toString(), "--models-dir",
        dir.resolve("models").toString(), "--run-name", "ft", "--pretrained-model", missing.toString(),
        "--train-scopes", "Bottleneck,Logits");
    assertEquals(ErrorHandler.BAD_INPUT, r.exit(), r.err());
    assertTrue(r.err().contains(missing.toString()), r.err());
    assertFalse(Files.exists(dir.resolve("models").resolve("ft")), "no run folder");
  }
}
