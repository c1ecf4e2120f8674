package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.facenet.train.schedule.BudgetPlan;
import org.facenet.train.schedule.ScheduleOptions;
import org.facenet.train.schedule.StepSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Summary;
import org.tensorflow.proto.Event;

/**
 * A time-budgeted run on a tiny model with a fake clock that advances 1 s each time it is read: the trainer reads it
 * at the start, around the step-0 checkpoint and once a step, so the plan is known in advance. Warm-up, cosine decay
 * and the margin ramp follow the planned total; an interrupted run resumes to the same plan.
 */
class TimeBudgetTrainingTest {

  @TempDir
  Path dir;

  /** The clock: 0 s, 1 s, 2 s, ... at successive reads. */
  private static java.util.function.LongSupplier tickingClock() {
    AtomicLong reads = new AtomicLong();
    return () -> reads.getAndIncrement() * 1_000_000_000L;
  }

  /** name -> step -> value of the run's TensorBoard scalars. */
  private static Map<String, Map<Long, Float>> scalars(Path run) throws Exception {
    Map<String, Map<Long, Float>> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(run)) {
      for (Path f : s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList()) {
        for (Event e : TensorBoardWriterTest.readEvents(f)) {
          for (Summary.Value v : e.getSummary().getValueList()) {
            out.computeIfAbsent(v.getTag(), k -> new TreeMap<>()).put(e.getStep(), v.getSimpleValue());
          }
        }
      }
    }
    return out;
  }

  @Test
  void theBudgetSetsTheStepsAndEverySchedulefollowsThemAndResumeKeepsThePlan() throws Exception {
    Path data = TrainerTest.tinyDataset(dir.resolve("data"));
    Path run = dir.resolve("run");
    TrainingConfig config = TrainerTest.config(data, 1, 0.01, OptimizerKind.ADAM).withChanges(Map.of("loss", "arcface"));
    ScheduleOptions options = new ScheduleOptions(ScheduleOptions.Decay.COSINE, 0, 0.1, 0.001, 2, 0.5,
        Duration.ofSeconds(60));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    AtomicInteger polls = new AtomicInteger();
    StopRequest stopAt20 = () -> polls.incrementAndGet() == 21 ? "SIGINT" : null;
    Trainer trainer = new Trainer(new PrintStream(log, true, StandardCharsets.UTF_8), false, stopAt20)
        .withSchedule(options).withClock(tickingClock());
    TrainingInterruptedException stopped = assertThrows(TrainingInterruptedException.class,
        () -> trainer.train(config, run));
    assertEquals(20, stopped.step());

    // Reads: 0 s start, 1 s and 2 s around the step-0 checkpoint (1 s a save), then one a step: steps 1-3 are the
    // session's warm-up, then 3 steps in 3 s, 5% of the budget, measure 1 step/s (8 s at step 6); the plan reads 9 s.
    // No pairs: no evaluation. Per step 1 s + 1 s / 5 (a checkpoint every 5 steps); the end keeps 4 x 1 s + 10 s;
    // (60 - 9 - 14) / 1.2 = 30.8 -> 30 more: 36 in all.
    String out = log.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("-> 36 steps in all; lr constant 0.01, linear warm-up over 4 steps, cosine to 0.001 at "
        + "step 36; margin from 0 over 18 steps"), out);
    // Re-planned after max(10, 36 / 10) steps, at step 16: the budget check read the clock once a step since the
    // plan (10 s at step 6 ... 19 s at step 15) and the re-plan reads 20 s: 10 steps in 11 s since the plan's 9 s,
    // 1.1 s a step; (60 - 20 - 14) / 1.1 = 23.6 -> 23 more: 39 in all.
    assertTrue(out.contains("time budget: 0.91 steps/s since step 6 -> 39 steps in all (were 36)"), out);
    ScheduleOptions.Saved saved = ScheduleOptions.load(run);
    assertEquals(options, saved.options());
    BudgetPlan plan = saved.plan();
    assertEquals(16, plan.plannedAtStep());
    assertEquals(1 / 1.1, plan.stepsPerSecond(), 1e-9);
    assertEquals(14.0, plan.endSeconds(), 1e-9);
    assertEquals(39, plan.totalSteps());

    ByteArrayOutputStream log2 = new ByteArrayOutputStream();
    TrainingResult resumed = new Trainer(new PrintStream(log2, true, StandardCharsets.UTF_8), false)
        .withClock(tickingClock()).resume(run, Map.of());
    assertEquals(20, resumed.firstStep());
    assertEquals(39, resumed.lastStep(), "the resumed run trains to the plan's steps");
    assertEquals("planned steps reached (time budget)", resumed.stopReason());
    assertTrue(log2.toString(StandardCharsets.UTF_8).contains("resume: time budget 60 s"), log2.toString());

    // The rates and margins the steps used, as TensorBoard has them, are the schedule laid over 36 steps for steps
    // 7-16 and over 39 from step 17 on (before the plan, over --max-epochs' 5 steps).
    Map<String, Map<Long, Float>> s = scalars(run);
    for (long step = 7; step <= 39; step++) {
      StepSchedule laid = new StepSchedule(LearningRateSchedule.constant(0.01), 5, options, step <= 16 ? 36 : 39);
      assertEquals(laid.rate(step - 1), s.get("learning_rate").get(step), 1e-7, "lr at step " + step);
      assertEquals(laid.marginFactor(step - 1), s.get("margin_factor").get(step), 1e-6, "margin at step " + step);
    }
    assertEquals(0f, s.get("learning_rate").get(1L), "the warm-up starts at 0");
    assertEquals(0f, s.get("margin_factor").get(1L), "the margin starts at 0");
    assertEquals(1f, s.get("margin_factor").get(39L));
  }

  @Test
  void aMarginWarmupNeedsAMarginLossAndIsRefusedBeforeAnythingIsCreated() throws Exception {
    Path data = TrainerTest.tinyDataset(dir.resolve("data"));
    Trainer trainer = new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false)
        .withSchedule(new ScheduleOptions(ScheduleOptions.Decay.CONSTANT, 0, 0, 0, 2, 0.3, null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> trainer.train(TrainerTest.config(data, 1, 0.01, OptimizerKind.ADAM), dir.resolve("run")));
    assertTrue(e.getMessage().contains("--margin-warmup-fraction"), e.getMessage());
    assertTrue(!Files.exists(dir.resolve("run")), "nothing created");
  }
}
