package org.facenet.train.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The time budget's plan on a fake clock: steps from a measured rate. */
class BudgetPlannerTest {

  private static long s(double seconds) {
    return Math.round(seconds * 1e9);
  }

  @Test
  void measuresAfterTheWarmupStepsAndPlansTheStepsThatFit() {
    AtomicLong now = new AtomicLong(s(100)); // the clock's zero is arbitrary
    BudgetPlanner p = new BudgetPlanner(Duration.ofMinutes(10), now::get, s(100), 0);
    // three slow first steps (session start, JIT): not measured
    for (int step = 1; step <= 3; step++) {
      now.set(s(100 + 5 + step));
      assertFalse(p.stepDone(step));
    }
    // then 0.5 s a step: after 10 steps and 5 s the rate is known
    int step = 3;
    boolean ready = false;
    while (!ready) {
      step++;
      now.addAndGet(s(0.5));
      ready = p.stepDone(step);
    }
    assertEquals(13, step);
    assertEquals(2.0, p.stepsPerSecond(), 1e-9);
    assertEquals(13.0, p.elapsedSeconds(), 1e-9);
    // per step 0.5 + 2 s / 200 (evaluations) + 1 s / 500 (checkpoints) = 0.512 s; (600 - 13 - 20) / 0.512 = 1107.4
    BudgetPlan plan = p.plan(new BudgetPlanner.Costs(2, 200, 1, 500, 20));
    assertEquals(0.512, plan.perStepSeconds(), 1e-12);
    assertEquals(13 + 1107, plan.totalSteps());
    assertEquals(13, plan.plannedAtStep());
    assertEquals(20, plan.endSeconds());
    assertEquals(plan, BudgetPlan.fromProperties(plan.toProperties()), "recorded and read back for --resume");
    // Re-planned every max(10, total / 10) = 112 steps at the rate since the last plan: here 0.6 s a step.
    for (int k = 1; k < 112; k++) {
      now.addAndGet(s(0.6));
      assertEquals(null, p.replan(13 + k, plan), "not due at step " + (13 + k));
    }
    now.addAndGet(s(0.6));
    BudgetPlan again = p.replan(125, plan);
    assertEquals(0.6, again.perStepSeconds(), 1e-9);
    assertEquals(13 + 112 * 0.6, again.elapsedSeconds(), 1e-9);
    // (600 - 80.2 - 20) / 0.6 = 833.0 more
    assertEquals(125 + (long) Math.floor((600 - (13 + 112 * 0.6) - 20) / 0.6), again.totalSteps());
    now.set(s(100 + 579.9));
    assertFalse(p.spent(20));
    now.set(s(100 + 580));
    assertTrue(p.spent(20), "the budget less the end's 20 s is spent");
  }

  @Test
  void slowStepsAreMeasuredForAtMostAShareOfTheBudget() {
    AtomicLong now = new AtomicLong();
    BudgetPlanner p = new BudgetPlanner(Duration.ofSeconds(100), now::get, 0, 40); // a resumed run at step 40
    for (int step = 41; step <= 43; step++) {
      now.addAndGet(s(4));
      assertFalse(p.stepDone(step));
    }
    now.addAndGet(s(3));
    assertFalse(p.stepDone(44), "3 s < 5% of 100 s");
    now.addAndGet(s(3));
    assertTrue(p.stepDone(45), "6 s >= 5 s: two steps measure a slow model");
    assertEquals(1 / 3.0, p.stepsPerSecond(), 1e-9);
    BudgetPlan plan = p.plan(new BudgetPlanner.Costs(0, 0, 0, 500, 10));
    assertEquals(45 + 24, plan.totalSteps(), "(100 - 18 - 10) s left at 3 s a step: 24 more");
  }

  @Test
  void aBudgetAlreadySpentPlansNoMoreSteps() {
    BudgetPlan plan = BudgetPlanner.plan(20, 50, 1, 60, new BudgetPlanner.Costs(0, 0, 0, 1, 15));
    assertEquals(20, plan.totalSteps());
    assertThrows(IllegalArgumentException.class, () -> BudgetPlanner.plan(20, 5, 0, 60,
        new BudgetPlanner.Costs(0, 0, 0, 1, 0)));
  }

  @Test
  void durationsAsUsersTypeThem() {
    assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
    assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
    assertEquals(Duration.ofHours(2), Durations.parse("2h"));
    assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
    assertEquals(Duration.ofMinutes(90), Durations.parse("1.5h"));
    assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
    assertEquals("10m", Durations.format(Duration.ofMinutes(10)));
    assertEquals("1m30s", Durations.format(Duration.ofSeconds(90)));
    for (String bad : new String[] {"", "10", "10 minutes", "m", "30m1h", "-5m", "0s", "10m10m"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void optionsAreCheckedAgainstTheRun() {
    ScheduleOptions margin = new ScheduleOptions(ScheduleOptions.Decay.CONSTANT, 0, 0, 0, 2, 0.1, null);
    margin.check("arcface", false, 0, 0.05);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> margin.check("softmax", false, 0, 0.05));
    assertTrue(e.getMessage().contains("--margin-warmup-fraction"), e.getMessage());
    ScheduleOptions cosine = new ScheduleOptions(ScheduleOptions.Decay.COSINE, 0, 0, 0, 2, 0, null);
    assertThrows(IllegalArgumentException.class, () -> cosine.check("softmax", true, 0, 0.05));
    assertThrows(IllegalArgumentException.class, () -> cosine.check("softmax", false, 2, 0.05));
    ScheduleOptions step = new ScheduleOptions(ScheduleOptions.Decay.STEP, 0, 0, 0, 2, 0, null);
    assertThrows(IllegalArgumentException.class, () -> step.check("softmax", false, 0, 0.05));
    step.check("softmax", false, 2, 0.05);
    assertThrows(IllegalArgumentException.class,
        () -> new ScheduleOptions(ScheduleOptions.Decay.CONSTANT, 10, 0.1, 0, 2, 0, null));
    ScheduleOptions all = new ScheduleOptions(ScheduleOptions.Decay.POLY, 0, 0.05, 0.001, 1.5, 0.3, Duration.ofMinutes(3));
    assertEquals(all, ScheduleOptions.fromProperties(all.toProperties()));
  }
}
