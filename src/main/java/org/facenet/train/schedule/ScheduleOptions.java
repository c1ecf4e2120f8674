package org.facenet.train.schedule;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.facenet.io.AtomicFiles;
import org.facenet.io.TextFiles;

/**
 * How a run lays its learning rate and margin over its steps, and whether its step count comes from a time budget:
 * {@code facenet-train --lr-schedule --warmup-steps/--warmup-fraction --final-learning-rate --poly-power
 * --margin-warmup-fraction --time-budget}. Saved as {@code RUN/schedule.properties} (with the plan, once a budget
 * has set the steps) so that {@code --resume} continues the same schedule.
 *
 * @param decay                what follows the warm-up: the rate as it is, cosine or polynomial decay to
 *                             {@code finalRate}, or facenet's staircase decay
 * @param warmupSteps          steps of linear warm-up from 0 (0: none, unless {@code warmupFraction})
 * @param warmupFraction       the warm-up as a fraction of the run's steps (0: {@code warmupSteps})
 * @param finalRate            where cosine and polynomial decay end
 * @param polyPower            the polynomial's power (arcface_torch's PolyScheduler: 2)
 * @param marginWarmupFraction the margin of am-softmax/cosface/arcface ramps linearly from 0 to its value over this
 *                             fraction of the run's steps (0: the full margin from the start)
 * @param timeBudget           the wall-clock time the run may take (training, evaluations, checkpoints, export), or null
 */
public record ScheduleOptions(Decay decay, long warmupSteps, double warmupFraction, double finalRate, double polyPower,
    double marginWarmupFraction, Duration timeBudget) {

  /** What follows the warm-up. */
  public enum Decay {
    /** The base rate (constant or the schedule file's) as it is. */
    CONSTANT,
    /** final + (base - final) (1 + cos(pi p)) / 2 over the steps after the warm-up, p from 0 to 1. */
    COSINE,
    /** final + (base - final) (1 - p)^power (arcface_torch's PolyScheduler with final 0, power 2). */
    POLY,
    /** facenet's staircase: base x F^floor(epoch / N) (--learning-rate-decay-epochs/-factor). */
    STEP;

    public static Decay parse(String s) {
      try {
        return valueOf(s.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--lr-schedule: unknown schedule '" + s + "'; known: constant, cosine, poly, step");
      }
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The losses that have a margin to warm up. */
  public static final Set<String> MARGIN_LOSSES = Set.of("am-softmax", "cosface", "arcface");

  public static final String FILE_NAME = "schedule.properties";

  /** No warm-up, no decay, no budget: what runs did before these options. */
  public static final ScheduleOptions NONE = new ScheduleOptions(Decay.CONSTANT, 0, 0, 0, 2, 0, null);

  public ScheduleOptions {
    java.util.Objects.requireNonNull(decay, "decay");
    if (warmupSteps < 0) throw new IllegalArgumentException("--warmup-steps must be >= 0, got " + warmupSteps);
    if (!(warmupFraction >= 0 && warmupFraction < 1)) {
      throw new IllegalArgumentException("--warmup-fraction must be >= 0 and < 1, got " + warmupFraction);
    }
    if (warmupSteps > 0 && warmupFraction > 0) {
      throw new IllegalArgumentException("--warmup-steps and --warmup-fraction are two ways to say one thing: give one");
    }
    if (!(finalRate >= 0) || Double.isInfinite(finalRate)) {
      throw new IllegalArgumentException("--final-learning-rate must be >= 0, got " + finalRate);
    }
    if (!(polyPower > 0) || Double.isInfinite(polyPower)) {
      throw new IllegalArgumentException("--poly-power must be > 0, got " + polyPower);
    }
    if (!(marginWarmupFraction >= 0 && marginWarmupFraction <= 1)) {
      throw new IllegalArgumentException("--margin-warmup-fraction must be in [0, 1], got " + marginWarmupFraction);
    }
    if (timeBudget != null && (timeBudget.isNegative() || timeBudget.isZero())) {
      throw new IllegalArgumentException("--time-budget must be positive, got " + timeBudget);
    }
  }

  /** The warm-up's steps in a run of {@code totalSteps}. */
  public long warmupSteps(long totalSteps) {
    return warmupFraction > 0 ? Math.round(warmupFraction * totalSteps) : warmupSteps;
  }

  /**
   * Checks these options against the rest of the run's settings: the loss ({@code marginWarmupFraction} needs a
   * margin loss), whether a schedule file is given (cosine and poly decay a constant rate), facenet's staircase
   * decay epochs ({@code step} needs them; 0 if none) and {@code finalRate} against the base rate.
   */
  public void check(String loss, boolean scheduleFile, int decayEpochs, double baseRate) {
    if (marginWarmupFraction > 0 && !MARGIN_LOSSES.contains(loss)) {
      throw new IllegalArgumentException("--margin-warmup-fraction ramps the margin of am-softmax, cosface and arcface; "
          + "--loss " + loss + " has none");
    }
    if ((decay == Decay.COSINE || decay == Decay.POLY) && scheduleFile) {
      throw new IllegalArgumentException("--lr-schedule " + decay + " decays the constant --learning-rate; "
          + "a --learning-rate-schedule-file sets the rate by itself: give one of them");
    }
    if ((decay == Decay.COSINE || decay == Decay.POLY) && decayEpochs > 0) {
      throw new IllegalArgumentException("--lr-schedule " + decay + " and --learning-rate-decay-epochs are two decays: "
          + "give one (--lr-schedule step is the staircase)");
    }
    if (decay == Decay.STEP && decayEpochs == 0) {
      throw new IllegalArgumentException("--lr-schedule step is facenet's staircase decay: give "
          + "--learning-rate-decay-epochs N and --learning-rate-decay-factor F");
    }
    if ((decay == Decay.COSINE || decay == Decay.POLY) && !scheduleFile && finalRate > baseRate) {
      throw new IllegalArgumentException("--final-learning-rate " + finalRate + " is above --learning-rate " + baseRate);
    }
  }

  /** Whether these options change anything against {@link #NONE}. */
  public boolean isNone() {
    return equals(NONE);
  }

  public String describe() {
    StringBuilder sb = new StringBuilder();
    if (warmupFraction > 0) sb.append("warm-up ").append(warmupFraction).append(" of the steps, then ");
    else if (warmupSteps > 0) sb.append("warm-up ").append(warmupSteps).append(" steps, then ");
    sb.append(decay);
    if (decay == Decay.COSINE || decay == Decay.POLY) sb.append(" to ").append(finalRate);
    if (decay == Decay.POLY) sb.append(" (power ").append(polyPower).append(")");
    if (marginWarmupFraction > 0) sb.append("; margin warm-up ").append(marginWarmupFraction).append(" of the steps");
    if (timeBudget != null) sb.append("; time budget ").append(Durations.format(timeBudget));
    return sb.toString();
  }

  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("lr_schedule", decay.toString());
    p.setProperty("warmup_steps", Long.toString(warmupSteps));
    p.setProperty("warmup_fraction", Double.toString(warmupFraction));
    p.setProperty("final_learning_rate", Double.toString(finalRate));
    p.setProperty("poly_power", Double.toString(polyPower));
    p.setProperty("margin_warmup_fraction", Double.toString(marginWarmupFraction));
    if (timeBudget != null) p.setProperty("time_budget_seconds", Long.toString(timeBudget.toSeconds()));
    return p;
  }

  public static ScheduleOptions fromProperties(Properties p) {
    String budget = p.getProperty("time_budget_seconds");
    return new ScheduleOptions(Decay.parse(p.getProperty("lr_schedule", "constant")),
        Long.parseLong(p.getProperty("warmup_steps", "0")), Double.parseDouble(p.getProperty("warmup_fraction", "0")),
        Double.parseDouble(p.getProperty("final_learning_rate", "0")),
        Double.parseDouble(p.getProperty("poly_power", "2")),
        Double.parseDouble(p.getProperty("margin_warmup_fraction", "0")),
        budget == null ? null : Duration.ofSeconds(Long.parseLong(budget)));
  }

  /** Writes these options and {@code plan} (or none yet) to {@code RUN/schedule.properties}, atomically. */
  public void save(Path runDir, BudgetPlan plan) throws IOException {
    Properties p = toProperties();
    if (plan != null) p.putAll(plan.toProperties());
    AtomicFiles.write(runDir.resolve(FILE_NAME), o -> {
      try (Writer w = new java.io.OutputStreamWriter(o, StandardCharsets.UTF_8)) {
        p.store(w, "facenet-java schedule and time-budget plan");
      }
    });
  }

  /** The run's saved options and plan ({@link #NONE} and no plan for a run written before them). */
  public static Saved load(Path runDir) throws IOException {
    Path f = runDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(f)) return new Saved(NONE, null);
    Properties p = new Properties();
    try (Reader r = TextFiles.reader(f)) {
      p.load(r);
    }
    try {
      return new Saved(fromProperties(p), BudgetPlan.fromProperties(p));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(f + ": cannot read the schedule: " + e.getMessage(), e);
    }
  }

  /** What {@link #load} read: the options and the plan (null until a time budget has planned the run). */
  public record Saved(ScheduleOptions options, BudgetPlan plan) {}
}
