package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resume after a damaged newest checkpoint, with every checkpoint damaged, and after a save that was killed. */
class CheckpointRecoveryTest {

  @TempDir
  static Path shared;

  @TempDir
  Path dir;

  /** A run of 10 steps with checkpoints at 0, 5 and 10, trained once for the class. */
  @BeforeAll
  static void trainTenSteps() throws Exception {
    Path data = TrainerTest.tinyDataset(shared.resolve("data"));
    new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false)
        .train(TrainerTest.config(data, 2, 0.01, OptimizerKind.ADAM), shared.resolve("run"));
  }

  /** A copy of that run for one test. */
  private Path tenSteps() throws Exception {
    Path from = shared.resolve("run");
    Path run = dir.resolve("run");
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) Files.copy(p, run.resolve(from.relativize(p).toString()));
    }
    return run;
  }

  private static Path dataFile(Path checkpointDir) throws Exception {
    try (Stream<Path> s = Files.list(checkpointDir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("model.data-")).findFirst().orElseThrow();
    }
  }

  private static void truncate(Path file) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
  }

  @Test
  void aTruncatedNewestCheckpointIsNamedAndTheRunContinuesFromThePreviousOne() throws Exception {
    Path run = tenSteps();
    Path newest = run.resolve("checkpoints/step-00000010");
    truncate(dataFile(newest));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TrainingResult r = new Trainer(new PrintStream(log, true), false).resume(run, 2);
    String text = log.toString();
    assertTrue(text.lines().anyMatch(l -> l.startsWith("warning: checkpoint " + newest) && l.contains("not usable")),
        "the warning names the bad checkpoint:\n" + text);
    assertTrue(text.contains("resumed " + run.resolve("checkpoints/step-00000005") + " at step 5"), text);
    assertEquals(5, r.firstStep());
    assertEquals(10, r.lastStep());
    // the damaged one was written again, whole, by the resumed run
    assertEquals(null, CheckpointRecovery.problem(newest.resolve("model")));
    assertEquals(10, Checkpoints.stepOf(new Checkpoints(run, 3).latest().orElseThrow()));
  }

  @Test
  void aMissingIndexOrDataFileIsSkippedToo() throws Exception {
    Path run = tenSteps();
    Files.delete(run.resolve("checkpoints/step-00000010/model.index"));
    Files.delete(dataFile(run.resolve("checkpoints/step-00000005")));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TrainingResult r = new Trainer(new PrintStream(log, true), false).resume(run, 1);
    assertEquals(0, r.firstStep(), log.toString());
    assertEquals(5, r.lastStep());
    assertTrue(log.toString().contains("model.index is missing"), log.toString());
    assertTrue(log.toString().contains("its data file model.data-* is missing"), log.toString());
  }

  @Test
  void whenNoCheckpointRestoresTheErrorNamesTheRunsCheckpointFolder() throws Exception {
    Path run = tenSteps();
    for (String step : List.of("00000000", "00000005", "00000010")) {
      truncate(dataFile(run.resolve("checkpoints/step-" + step)));
    }
    Trainer trainer = new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.resume(run, 3));
    assertTrue(e.getMessage().startsWith("none of the 3 checkpoint(s) in " + run.resolve("checkpoints")
        + " can be restored"), e.getMessage());
    assertTrue(e.getMessage().contains("step-00000010"), e.getMessage());
  }

  @Test
  void theTemporaryOfAKilledSaveIsRemovedAtTheNextStartAndNothingElse() throws Exception {
    Path run = tenSteps();
    Path checkpoints = run.resolve("checkpoints");
    // what AtomicFiles.writeDirectory leaves when killed: the half-written folder, and the replaced one's old copy
    Path half = Files.createDirectory(checkpoints.resolve(".step-00000015.4411823"));
    Files.write(half.resolve("model.data-00000-of-00001"), new byte[100]);
    Path old = Files.createDirectory(checkpoints.resolve(".step-00000010.old.998877"));
    Path notes = Files.writeString(checkpoints.resolve("notes.txt"), "the user's");
    Path hidden = Files.createDirectory(checkpoints.resolve(".mine"));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new Trainer(new PrintStream(log, true), false).resume(run, 2);
    assertFalse(Files.exists(half), log.toString());
    assertFalse(Files.exists(old), log.toString());
    assertTrue(log.toString().contains("removed " + half), log.toString());
    assertTrue(Files.exists(notes) && Files.exists(hidden), "only this project's temporaries are removed");
  }
}
