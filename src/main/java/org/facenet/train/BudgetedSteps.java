package org.facenet.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.facenet.train.schedule.BudgetPlan;
import org.facenet.train.schedule.BudgetPlanner;
import org.facenet.train.schedule.Durations;
import org.facenet.train.schedule.ScheduleOptions;
import org.facenet.train.schedule.StepSchedule;

/**
 * The run's steps and the schedule laid over them, for {@link Trainer}: {@code --max-epochs}' steps, or with a time
 * budget the {@link BudgetPlanner}'s plan, made after the first steps and again every so often (the total, the
 * schedule, the progress bar and RUN/schedule.properties follow each plan), and the stop when the budget is spent.
 */
final class BudgetedSteps {

  private final ScheduleOptions options;
  private final BudgetPlanner planner;
  private final Path runDir;
  private final boolean chief;
  private BudgetPlan plan;
  private StepSchedule schedule;
  private long total;
  private String stopReason;

  /** The steps of a run at {@code step} that started at {@code startNanos}; {@code plan} is a resumed run's, or null. */
  BudgetedSteps(ScheduleOptions options, BudgetPlan plan, LearningRateSchedule base, TrainingConfig config,
      LongSupplier clock, long startNanos, long step, Path runDir, boolean chief) {
    this.options = options;
    this.plan = plan;
    this.runDir = runDir;
    this.chief = chief;
    this.planner = options.timeBudget() != null && plan == null
        ? new BudgetPlanner(options.timeBudget(), clock, startNanos, step) : null;
    this.schedule = new StepSchedule(base, config.epochSize(), options,
        plan != null ? plan.totalSteps() : config.totalSteps());
    // until the plan, the schedule is laid over --max-epochs' steps and the loop runs on
    this.total = planner != null ? Long.MAX_VALUE : schedule.totalSteps();
    this.stopReason = plan != null ? "planned steps reached (time budget)" : "max epochs reached";
  }

  long total() {
    return total;
  }

  StepSchedule schedule() {
    return schedule;
  }

  String stopReason() {
    return stopReason;
  }

  void stopReason(String reason) {
    stopReason = reason;
  }

  /** The step count for the "model:" line. */
  String describe(long step) {
    return planner != null ? "time budget " + Durations.format(options.timeBudget()) + " (steps planned after the first "
        + "ones)" : (total - step) + " steps";
  }

  /** A resumed run's plan, or null. */
  BudgetPlan plan() {
    return plan;
  }

  /**
   * After {@code step} steps: the plan when the rate is measured ({@code evaluationSeconds} times one held-out
   * evaluation, 0 without pairs; {@code checkpointSeconds} is the step-0 save's time), a new plan when one is due, the
   * stop when the budget less the end's time is spent.
   */
  void afterStep(long step, DoubleSupplier evaluationSeconds, double checkpointSeconds, int evalEvery,
      int checkpointEvery, boolean averages, ProgressDisplay progress) throws IOException {
    if (planner == null) return;
    if (plan == null) {
      if (!planner.stepDone(step)) return;
      double evaluation = evaluationSeconds.getAsDouble();
      // The end: the last checkpoint, the export (building the inference graph, a checkpoint's read, folding, a
      // SavedModel's write), the exported model's evaluation with the raw-pixel baseline, and with moving averages the
      // second evaluation that chooses between the weights. From 9 runs of the synthetic preset on a loaded 2-core
      // machine (docs/benchmarks.md) the end took 20-59 s for evaluations of 7.6-21.5 s; this is their middle, off by
      // up to ~25 s either way there.
      double end = 4 * checkpointSeconds + 10 + 2 * evaluation + (averages ? evaluation : 0);
      use(step, planner.plan(new BudgetPlanner.Costs(evaluation, evaluation > 0 ? evalEvery : 0, checkpointSeconds,
          checkpointEvery, end)), progress);
      stopReason = "planned steps reached (time budget)";
      progress.message(plan.describe() + "; lr " + schedule);
    }
    BudgetPlan again = step < total ? planner.replan(step, plan) : null;
    if (again != null) {
      if (again.totalSteps() != plan.totalSteps()) {
        progress.message(String.format(Locale.ROOT, "time budget: %.2f steps/s since step %d -> %d steps in all "
            + "(were %d)", again.stepsPerSecond(), plan.plannedAtStep(), again.totalSteps(), plan.totalSteps()));
      }
      use(step, again, progress);
    }
    if (step < total && planner.spent(plan.endSeconds())) {
      progress.message(String.format(Locale.ROOT, "time budget: %.0f s spent at step %d of the %d planned; stopping",
          planner.elapsedSeconds(), step, total));
      stopReason = "time budget spent at step " + step + " of " + total;
      total = step;
    }
  }

  private void use(long step, BudgetPlan p, ProgressDisplay progress) throws IOException {
    if (plan == null || p.totalSteps() != plan.totalSteps()) {
      total = Math.max(step, p.totalSteps());
      schedule = schedule.withTotalSteps(Math.max(1, total));
      progress.totalSteps(total);
    }
    plan = p;
    if (chief) options.save(runDir, plan);
  }
}
