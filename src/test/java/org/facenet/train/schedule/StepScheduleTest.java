package org.facenet.train.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.facenet.train.LearningRateSchedule;
import org.facenet.train.schedule.ScheduleOptions.Decay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedule shapes at given steps against values computed by hand. */
class StepScheduleTest {

  private static final double EPS = 1e-12;

  private static ScheduleOptions options(Decay decay, long warmup, double fraction, double finalRate, double margin) {
    return new ScheduleOptions(decay, warmup, fraction, finalRate, 2, margin, null);
  }

  @Test
  void warmupThenCosineToZero() {
    // base 0.1, T 100, W 10: p = (t - 10) / 90
    StepSchedule s = new StepSchedule(LearningRateSchedule.constant(0.1), 1000, options(Decay.COSINE, 10, 0, 0, 0), 100);
    assertEquals(0.0, s.rate(0), EPS, "the warm-up starts at 0 (PolyScheduler: base x t / W)");
    assertEquals(0.05, s.rate(5), EPS);
    assertEquals(0.09, s.rate(9), EPS);
    assertEquals(0.1, s.rate(10), EPS, "the full rate at the warm-up's end");
    assertEquals(0.05, s.rate(55), EPS, "cosine half-way: (1 + cos(pi/2)) / 2");
    assertEquals(0.1 * 0.5 * (1 + Math.cos(Math.PI * 89 / 90)), s.rate(99), EPS);
    assertEquals(0.0, s.rate(100), EPS);
  }

  @Test
  void cosineToAFinalRate() {
    StepSchedule s = new StepSchedule(LearningRateSchedule.constant(0.1), 1000, options(Decay.COSINE, 0, 0, 0.01, 0), 100);
    assertEquals(0.1, s.rate(0), EPS, "no warm-up: the base rate at once");
    assertEquals(0.01 + 0.09 * 0.5 * (1 + Math.cos(Math.PI / 4)), s.rate(25), EPS);
    assertEquals(0.055, s.rate(50), EPS);
    assertEquals(0.01, s.rate(100), EPS);
  }

  @Test
  void polyIsArcfaceTorchsPolySchedulerPowerTwo() {
    // T 110, W 10, span 100: base (1 - (t - W) / (T - W))^2
    StepSchedule s = new StepSchedule(LearningRateSchedule.constant(0.1), 1000, options(Decay.POLY, 10, 0, 0, 0), 110);
    assertEquals(0.02, s.rate(2), EPS);
    assertEquals(0.1, s.rate(10), EPS);
    assertEquals(0.1 * 0.75 * 0.75, s.rate(35), EPS);
    assertEquals(0.025, s.rate(60), EPS);
    assertEquals(0.1 * 0.01 * 0.01, s.rate(109), EPS);
    assertEquals(0.0, s.rate(110), EPS);
    StepSchedule f = new StepSchedule(LearningRateSchedule.constant(0.1), 1000, options(Decay.POLY, 10, 0, 0.01, 0), 110);
    assertEquals(0.01 + 0.09 * 0.25, f.rate(60), EPS, "to a final rate: final + (base - final)(1 - p)^2");
    StepSchedule cube = new StepSchedule(LearningRateSchedule.constant(0.1), 1000,
        new ScheduleOptions(Decay.POLY, 0, 0, 0, 3, 0, null), 100);
    assertEquals(0.1 * 0.125, cube.rate(50), EPS, "--poly-power 3");
  }

  @Test
  void stepIsFacenetsStaircaseWithTheWarmupOnTop() {
    // epochs of 10 steps, x 0.5 every 2 epochs, warm-up 5 steps
    StepSchedule s = new StepSchedule(LearningRateSchedule.constant(0.1).withDecay(2, 0.5), 10,
        options(Decay.STEP, 5, 0, 0, 0), 100);
    assertEquals(0.04, s.rate(2), EPS);
    assertEquals(0.1, s.rate(19), EPS);
    assertEquals(0.05, s.rate(20), EPS);
    assertEquals(0.025, s.rate(45), EPS);
  }

  @Test
  void aScheduleFileKeepsItsRatesAndItsStop(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("lr.txt");
    Files.writeString(file, "0: 0.1\n2: 0.01\n3: -1\n");
    StepSchedule s = new StepSchedule(LearningRateSchedule.parse(file), 10, options(Decay.CONSTANT, 5, 0, 0, 0), 100);
    assertEquals(0.08, s.rate(4), EPS);
    assertEquals(0.1, s.rate(19), EPS);
    assertEquals(0.01, s.rate(25), EPS);
    assertEquals(-1, s.rate(30), EPS);
  }

  @Test
  void constantWithoutOptionsIsTheRateAsBefore() {
    StepSchedule s = new StepSchedule(LearningRateSchedule.constant(0.05), 200, ScheduleOptions.NONE, 1200);
    for (long t : new long[] {0, 1, 599, 1199}) assertEquals(0.05, s.rate(t), EPS);
    assertEquals(1.0, s.marginFactor(0), EPS);
    assertEquals("constant 0.05", s.toString());
  }

  @Test
  void fractionsFollowTheTotalStepsOfAPlan() {
    StepSchedule s = new StepSchedule(LearningRateSchedule.constant(0.1), 1000, options(Decay.CONSTANT, 0, 0.1, 0, 0.2),
        200);
    assertEquals(20, s.warmupSteps());
    assertEquals(0.1, s.rate(20), EPS);
    assertEquals(0.0, s.marginFactor(0), EPS, "the margin starts at 0");
    assertEquals(0.25, s.marginFactor(10), EPS, "ramp over 0.2 x 200 = 40 steps");
    assertEquals(1.0, s.marginFactor(40), EPS);
    assertEquals(1.0, s.marginFactor(150), EPS);
    StepSchedule planned = s.withTotalSteps(400);
    assertEquals(40, planned.warmupSteps());
    assertEquals(0.05, planned.rate(20), EPS, "half-way through the planned warm-up");
    assertEquals(0.25, planned.marginFactor(20), EPS, "ramp over 0.2 x 400 = 80 steps");
    assertEquals(0.5, planned.marginFactor(40), EPS);
  }
}
