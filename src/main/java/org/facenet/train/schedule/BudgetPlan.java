package org.facenet.train.schedule;

import java.util.Locale;
import java.util.Properties;

/**
 * What a time budget decided: the run's total steps, from the step rate measured over its first steps and the
 * estimated costs of its evaluations, checkpoints and end (checkpoint, export, evaluation). Recorded in
 * {@code RUN/schedule.properties} so that {@code --resume} continues the same plan.
 *
 * @param totalSteps      the run's planned steps; every schedule (warm-up, decay, margin ramp) is laid over them
 * @param budgetSeconds   the budget
 * @param plannedAtStep   steps done when the plan was made
 * @param elapsedSeconds  the run's time when the plan was made
 * @param stepsPerSecond  the measured training rate (steps after the session's warm-up steps)
 * @param perStepSeconds  the estimated cost of one more step: 1 / rate plus its share of evaluations and checkpoints
 * @param endSeconds      the time kept for the end: last checkpoint, export, final evaluation
 */
public record BudgetPlan(long totalSteps, double budgetSeconds, long plannedAtStep, double elapsedSeconds,
    double stepsPerSecond, double perStepSeconds, double endSeconds) {

  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("plan.total_steps", Long.toString(totalSteps));
    p.setProperty("plan.budget_seconds", Double.toString(budgetSeconds));
    p.setProperty("plan.planned_at_step", Long.toString(plannedAtStep));
    p.setProperty("plan.elapsed_seconds", Double.toString(elapsedSeconds));
    p.setProperty("plan.steps_per_second", Double.toString(stepsPerSecond));
    p.setProperty("plan.per_step_seconds", Double.toString(perStepSeconds));
    p.setProperty("plan.end_seconds", Double.toString(endSeconds));
    return p;
  }

  /** The plan in {@code p}, or null if there is none yet. */
  public static BudgetPlan fromProperties(Properties p) {
    String total = p.getProperty("plan.total_steps");
    if (total == null) return null;
    return new BudgetPlan(Long.parseLong(total), Double.parseDouble(p.getProperty("plan.budget_seconds")),
        Long.parseLong(p.getProperty("plan.planned_at_step")), Double.parseDouble(p.getProperty("plan.elapsed_seconds")),
        Double.parseDouble(p.getProperty("plan.steps_per_second")),
        Double.parseDouble(p.getProperty("plan.per_step_seconds")), Double.parseDouble(p.getProperty("plan.end_seconds")));
  }

  public String describe() {
    return String.format(Locale.ROOT, "time budget %.0f s: %.2f steps/s measured over steps %d..%d, %.3f s a step with "
        + "evaluations and checkpoints, %.0f s kept for the end -> %d steps in all", budgetSeconds, stepsPerSecond,
        BudgetPlanner.WARMUP_STEPS, plannedAtStep, perStepSeconds, endSeconds, totalSteps);
  }
}
