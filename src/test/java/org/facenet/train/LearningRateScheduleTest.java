package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningRateScheduleTest {

  @TempDir
  Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve("schedule.txt");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void facenetVggface2ScheduleGivesTheRateOfTheLastStartedEntry() throws Exception {
    LearningRateSchedule s = LearningRateSchedule.parse(file(
        "# Learning rate schedule\n# Maps an epoch number to a learning rate\n0:  0.05\n100: 0.005\n200: 0.0005\n276: -1\n"));
    assertEquals(0.05, s.rate(0));
    assertEquals(0.05, s.rate(99));
    assertEquals(0.005, s.rate(100));
    assertEquals(0.0005, s.rate(275));
    assertFalse(s.stopsAt(275));
    assertTrue(s.stopsAt(276));
    assertTrue(s.stopsAt(1000));
  }

  @Test
  void trailingCommentsAndBlankLinesAreIgnored() throws Exception {
    LearningRateSchedule s = LearningRateSchedule.parse(file("\n0: 0.1  # warm\n\n  5 : 0.01\n"));
    assertEquals(0.1, s.rate(4));
    assertEquals(0.01, s.rate(5));
  }

  private void assertError(String text, String expected) throws Exception {
    Path f = file(text);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse(f));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void errorsNameTheFileTheLineAndTheProblem() throws Exception {
    assertError("0: 0.1\n10 0.01\n", ":2: expected 'epoch: learning_rate'");
    assertError("0: 0.1\nten: 0.01\n", ":2: epoch 'ten' is not a whole number");
    assertError("0: fast\n", ":1: learning rate 'fast' is not a number");
    assertError("0: 0.1\n5: 0.01\n3: 0.001\n", ":3: epochs must increase");
    assertError("0: -0.5\n", ":1: learning rate must be > 0 (or -1 to stop)");
    assertError("# nothing\n", "has no 'epoch: learning_rate' line");
    assertError("3: 0.1\n", "must start at epoch 0");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LearningRateSchedule.parse(dir.resolve("missing.txt")));
    assertTrue(e.getMessage().contains("missing.txt: learning-rate schedule file not found"), e.getMessage());
  }

  @Test
  void facenetsStaircaseDecayMultipliesTheRateByTheFactorEveryNEpochs() throws Exception {
    // facenet: exponential_decay(lr, global_step, decay_epochs * epoch_size, factor, staircase=True)
    LearningRateSchedule c = LearningRateSchedule.constant(0.1).withDecay(4, 0.5);
    assertEquals(0.1, c.rate(0), 1e-15);
    assertEquals(0.1, c.rate(3), 1e-15);
    assertEquals(0.05, c.rate(4), 1e-15);
    assertEquals(0.05, c.rate(7), 1e-15);
    assertEquals(0.025, c.rate(8), 1e-15);
    assertEquals(0.1 * Math.pow(0.5, 25), c.rate(100), 1e-20);
    // on a schedule file's rates too, and a stop stays a stop
    LearningRateSchedule f = LearningRateSchedule.parse(file("0: 0.2\n3: 0.02\n9: -1\n")).withDecay(2, 0.1);
    assertEquals(0.2, f.rate(1), 1e-15);
    assertEquals(0.2 * 0.1, f.rate(2), 1e-15);
    assertEquals(0.02 * 0.1, f.rate(3), 1e-15);
    assertEquals(0.02 * 0.001, f.rate(7), 1e-15);
    assertTrue(f.stopsAt(9));
    assertThrows(IllegalArgumentException.class, () -> c.withDecay(0, 0.5));
  }

  @Test
  void theRunsDecaySettingsGiveThatSchedule() throws Exception {
    TrainingConfig config = TrainerTest.config(dir, 1, 0.1, OptimizerKind.ADAM)
        .withRecipe(new FacenetRecipe(0, 4, 0.5, 0, 0));
    assertEquals(0.025, config.schedule().rate(9), 1e-15);
    assertEquals(0.1, TrainerTest.config(dir, 1, 0.1, OptimizerKind.ADAM).schedule().rate(9), 1e-15);
  }
}
