package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** facenet-train --serving-dir refuses what it cannot write before anything is created (the export is ServingLayoutTest's). */
class TrainServingDirTest {

  @TempDir
  Path dir;

  @Test
  void aFileAsServingDirOrNoExportIsAUsageErrorAndCreatesNothing() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    Path models = dir.resolve("models");
    Path synthetic = dir.resolve("synthetic");
    CommandsTest.Run r = CommandsTest.run("train", "--serving-dir", file.toString(), "--models-dir", models.toString(),
        "--synthetic-dir", synthetic.toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains(file.toString()) && r.err().contains("directory"), r.err());
    CommandsTest.Run both = CommandsTest.run("train", "--no-export", "--serving-dir", dir.resolve("serving/m").toString(),
        "--models-dir", models.toString(), "--synthetic-dir", synthetic.toString());
    assertEquals(2, both.exit(), both.err());
    assertTrue(both.err().contains("--no-export"), both.err());
    assertFalse(Files.exists(models), "no run folder");
    assertFalse(Files.exists(synthetic), "no synthetic data generated");
    assertFalse(Files.exists(dir.resolve("serving")), "no serving folder");
  }
}
