package org.facenet.train.schedule;

import java.util.Locale;
import org.facenet.train.LearningRateSchedule;

/**
 * The learning rate and the margin factor at each step of a run of {@code totalSteps}: the base rate by epoch
 * ({@link LearningRateSchedule}: the constant rate or facenet's schedule file, with facenet's staircase decay), then
 * the {@link ScheduleOptions}' decay and linear warm-up on top. With {@code t} the steps done before this one and
 * {@code W} the warm-up's steps:
 * <ul>
 *   <li>warm-up, {@code t < W}: {@code rate(t) = base x t / W} (arcface_torch's PolyScheduler: 0 at the first step);</li>
 *   <li>cosine, {@code t >= W}: {@code final + (base - final) (1 + cos(pi p)) / 2}, {@code p = (t - W) / (T - W)};</li>
 *   <li>poly: {@code final + (base - final) (1 - p)^power} (PolyScheduler: final 0, power 2);</li>
 *   <li>constant and step: the base rate (step is the staircase already in the base).</li>
 * </ul>
 * A stop in the schedule file (-1) stays a stop. The margin factor ramps as {@code min(1, t / (F T))} with
 * {@code F} the margin warm-up fraction (1 throughout when F is 0).
 */
public final class StepSchedule {

  private final LearningRateSchedule base;
  private final long epochSize;
  private final ScheduleOptions options;
  private final long totalSteps;

  public StepSchedule(LearningRateSchedule base, long epochSize, ScheduleOptions options, long totalSteps) {
    if (epochSize < 1) throw new IllegalArgumentException("epoch size must be >= 1, got " + epochSize);
    if (totalSteps < 1) throw new IllegalArgumentException("total steps must be >= 1, got " + totalSteps);
    this.base = base;
    this.epochSize = epochSize;
    this.options = options;
    this.totalSteps = totalSteps;
  }

  /** This schedule laid over {@code total} steps (a time budget's plan). */
  public StepSchedule withTotalSteps(long total) {
    return new StepSchedule(base, epochSize, options, total);
  }

  public long totalSteps() {
    return totalSteps;
  }

  public long warmupSteps() {
    return Math.min(options.warmupSteps(totalSteps), totalSteps);
  }

  /** The rate for the step after {@code step} steps (0-based), or -1 when the schedule file stops training. */
  public double rate(long step) {
    double b = base.rate((int) Math.min(Integer.MAX_VALUE, step / epochSize));
    if (b < 0) return b;
    long w = warmupSteps();
    double r = b;
    if (options.decay() == ScheduleOptions.Decay.COSINE || options.decay() == ScheduleOptions.Decay.POLY) {
      double span = totalSteps - w;
      double p = span <= 0 ? 1 : Math.min(1, Math.max(0, (step - w) / span));
      double f = options.finalRate();
      r = options.decay() == ScheduleOptions.Decay.COSINE ? f + (b - f) * 0.5 * (1 + Math.cos(Math.PI * p))
          : f + (b - f) * Math.pow(1 - p, options.polyPower());
    }
    return step < w ? r * step / w : r;
  }

  /** The share of the margin the loss uses at the step after {@code step} steps, 0..1. */
  public double marginFactor(long step) {
    double ramp = options.marginWarmupFraction() * totalSteps;
    if (ramp <= 0) return 1;
    return Math.min(1, step / ramp);
  }

  @Override
  public String toString() {
    if (options.isNone() || options.decay() == ScheduleOptions.Decay.STEP && options.warmupSteps(totalSteps) == 0
        && options.marginWarmupFraction() == 0) {
      return base.toString();
    }
    StringBuilder sb = new StringBuilder(base.toString());
    long w = warmupSteps();
    if (w > 0) sb.append(String.format(Locale.ROOT, ", linear warm-up over %d steps", w));
    switch (options.decay()) {
      case COSINE -> sb.append(String.format(Locale.ROOT, ", cosine to %s at step %d", options.finalRate(), totalSteps));
      case POLY -> sb.append(String.format(Locale.ROOT, ", poly (power %s) to %s at step %d", options.polyPower(),
          options.finalRate(), totalSteps));
      default -> { }
    }
    if (options.marginWarmupFraction() > 0) {
      sb.append(String.format(Locale.ROOT, "; margin from 0 over %d steps",
          Math.round(options.marginWarmupFraction() * totalSteps)));
    }
    return sb.toString();
  }
}
