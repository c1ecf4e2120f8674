package org.facenet.train.schedule;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Lays a run over a time budget: it times the first steps (after {@link #WARMUP_STEPS}, whose session and JIT
 * start-up costs would bias the rate) until {@link #MIN_MEASURED_STEPS} steps and {@link #MIN_MEASURED_SECONDS} have
 * passed (or {@link #MAX_MEASURE_SHARE} of the budget, for slow steps), then sets the total steps so that training,
 * its evaluations and checkpoints, and the end (checkpoint, export, final evaluation) fit in the budget:
 * {@code total = done + floor((budget - elapsed - end) / (1 / rate + eval / evalEvery + checkpoint / checkpointEvery))}.
 * The clock is injected (nanoseconds, as {@link System#nanoTime}), so the planning is tested with a fake one.
 */
public final class BudgetPlanner {

  public static final int WARMUP_STEPS = 3;
  public static final int MIN_MEASURED_STEPS = 10;
  public static final double MIN_MEASURED_SECONDS = 5;
  public static final double MAX_MEASURE_SHARE = 0.05;

  /**
   * Estimated costs besides the steps, in seconds.
   *
   * @param evaluationSeconds one held-out evaluation during training (0: none)
   * @param evalEvery         steps between those evaluations (0: none)
   * @param checkpointSeconds one checkpoint save
   * @param checkpointEvery   steps between checkpoints
   * @param endSeconds        the end: last checkpoint, export, final evaluation
   */
  public record Costs(double evaluationSeconds, long evalEvery, double checkpointSeconds, long checkpointEvery,
      double endSeconds) {}

  private final double budgetSeconds;
  private final LongSupplier clock;
  private final long startNanos;
  private final long firstStep;
  private long measureFromNanos = -1;
  private long measureFromStep;
  private long lastNanos;
  private long lastStep;
  private long planNanos;
  private long planStep;

  /**
   * A planner for a run that started (its clock's zero) at {@code startNanos} and is at step {@code firstStep} now.
   */
  public BudgetPlanner(Duration budget, LongSupplier clock, long startNanos, long firstStep) {
    this.budgetSeconds = budget.toMillis() / 1000.0;
    this.clock = clock;
    this.startNanos = startNanos;
    this.firstStep = firstStep;
  }

  /** Seconds since the run started. */
  public double elapsedSeconds() {
    return (clock.getAsLong() - startNanos) / 1e9;
  }

  public double budgetSeconds() {
    return budgetSeconds;
  }

  /** Records that {@code step} steps are done now; true once the rate is measured well enough to plan. */
  public boolean stepDone(long step) {
    long now = clock.getAsLong();
    lastNanos = now;
    lastStep = step;
    if (step - firstStep == WARMUP_STEPS) {
      measureFromNanos = now;
      measureFromStep = step;
      return false;
    }
    if (measureFromNanos < 0) return false;
    long steps = step - measureFromStep;
    double seconds = (now - measureFromNanos) / 1e9;
    return steps >= MIN_MEASURED_STEPS && seconds >= MIN_MEASURED_SECONDS
        || steps >= 1 && seconds >= MAX_MEASURE_SHARE * budgetSeconds;
  }

  /** The measured steps per second (after a {@link #stepDone} that returned true). */
  public double stepsPerSecond() {
    double seconds = (lastNanos - measureFromNanos) / 1e9;
    return (lastStep - measureFromStep) / seconds;
  }

  /** The plan at the last step recorded and the time now, with {@code costs} measured or estimated by the trainer. */
  public BudgetPlan plan(Costs costs) {
    // the time now, after whatever measured the costs (a held-out evaluation) since the last step
    planNanos = clock.getAsLong();
    planStep = lastStep;
    return plan(lastStep, (planNanos - startNanos) / 1e9, stepsPerSecond(), budgetSeconds, costs);
  }

  /**
   * The plan again at {@code step}, when {@code max(10, total / 10)} steps have passed since the last one and more than
   * that are left: the steps that fit in the budget at the rate since then, evaluations and checkpoints included (the
   * machine's speed may change, e.g. when other jobs share it), so the schedules still end when the budget does.
   * Null when not due.
   */
  public BudgetPlan replan(long step, BudgetPlan current) {
    long interval = Math.max(10, current.totalSteps() / 10);
    if (step - planStep < interval || current.totalSteps() - step <= interval) return null;
    long now = clock.getAsLong();
    double perStep = (now - planNanos) / 1e9 / (step - planStep);
    double elapsed = (now - startNanos) / 1e9;
    double left = budgetSeconds - elapsed - current.endSeconds();
    long more = left > 0 ? (long) Math.floor(left / perStep) : 0;
    planNanos = now;
    planStep = step;
    return new BudgetPlan(step + more, budgetSeconds, step, elapsed, 1 / perStep, perStep, current.endSeconds());
  }

  /** The plan for a run at step {@code done} after {@code elapsed} seconds of a budget of {@code budget} seconds. */
  public static BudgetPlan plan(long done, double elapsed, double stepsPerSecond, double budget, Costs costs) {
    if (!(stepsPerSecond > 0)) throw new IllegalArgumentException("step rate must be > 0, got " + stepsPerSecond);
    double perStep = 1 / stepsPerSecond
        + (costs.evalEvery() > 0 ? costs.evaluationSeconds() / costs.evalEvery() : 0)
        + (costs.checkpointEvery() > 0 ? costs.checkpointSeconds() / costs.checkpointEvery() : 0);
    double left = budget - elapsed - costs.endSeconds();
    long more = left > 0 ? (long) Math.floor(left / perStep) : 0;
    return new BudgetPlan(done + more, budget, done, elapsed, stepsPerSecond, perStep, costs.endSeconds());
  }

  /** Whether the budget, less {@code endSeconds} for the end, is spent. */
  public boolean spent(double endSeconds) {
    return elapsedSeconds() >= budgetSeconds - endSeconds;
  }
}
