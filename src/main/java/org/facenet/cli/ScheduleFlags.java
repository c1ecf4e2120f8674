package org.facenet.cli;

import org.facenet.train.schedule.Durations;
import org.facenet.train.schedule.ScheduleOptions;
import picocli.CommandLine.Option;

/** facenet-train's warm-up, decay, margin warm-up and time budget ({@link ScheduleOptions}). */
final class ScheduleFlags {

  private static final ScheduleOptions D = ScheduleOptions.NONE;

  @Option(names = "--lr-schedule", paramLabel = "KIND",
      description = "What follows the warm-up: constant (the --learning-rate or the schedule file's rate), cosine or "
          + "poly (arcface_torch's polynomial decay) from --learning-rate to --final-learning-rate over the run's "
          + "steps, or step (facenet's staircase, --learning-rate-decay-epochs/-factor) (default: the preset's).")
  String lrSchedule;

  @Range(min = 0)
  @Option(names = "--warmup-steps", paramLabel = "N",
      description = "Linear warm-up of the learning rate from 0 over the first N steps, as arcface_torch (default: 0).")
  long warmupSteps = D.warmupSteps();

  @Range(min = 0, max = 0.99)
  @Option(names = "--warmup-fraction", paramLabel = "F",
      description = "The warm-up as this fraction of the run's steps (of the planned steps with --time-budget) "
          + "(default: the preset's).")
  Double warmupFraction;

  @Range(min = 0)
  @Option(names = "--final-learning-rate", paramLabel = "LR",
      description = "Where cosine and poly decay end (default: 0).")
  double finalRate = D.finalRate();

  @Range(min = 0, minExclusive = true)
  @Option(names = "--poly-power", paramLabel = "P",
      description = "Power of the poly decay (arcface_torch's PolyScheduler: ${DEFAULT-VALUE}).")
  double polyPower = D.polyPower();

  @Range(min = 0, max = 1)
  @Option(names = "--margin-warmup-fraction", paramLabel = "F",
      description = "am-softmax, cosface, arcface: the margin ramps linearly from 0 to its value over this fraction "
          + "of the run's steps; 0 the full margin from the start (default: the preset's).")
  Double marginWarmupFraction;

  @Option(names = "--time-budget", paramLabel = "DURATION",
      description = "Train for this wall-clock time (e.g. 90s, 10m, 2h, 1h30m), evaluations and export included: "
          + "the step rate is measured over the first steps, the run's steps set from it (in place of --max-epochs) "
          + "and every schedule laid over them; the plan is kept in RUN/schedule.properties for --resume.")
  String timeBudget;

  /**
   * The options, with unset ones taken from {@code recipe}: its decay only when the run sets no rate schedule of its own
   * ({@code ownRateSchedule}: a schedule file or facenet's decay epochs), its margin warm-up only for a margin loss.
   */
  ScheduleOptions toOptions(Preset.Recipe recipe, String loss, boolean ownRateSchedule) {
    String decay = lrSchedule != null ? lrSchedule : ownRateSchedule ? "constant" : recipe.lrSchedule();
    double marginWarmup = marginWarmupFraction != null ? marginWarmupFraction
        : ScheduleOptions.MARGIN_LOSSES.contains(loss) ? recipe.marginWarmupFraction() : 0;
    return new ScheduleOptions(ScheduleOptions.Decay.parse(decay), warmupSteps,
        warmupFraction != null ? warmupFraction : recipe.warmupFraction(), finalRate, polyPower, marginWarmup,
        timeBudget == null ? null : Durations.parse(timeBudget));
  }
}
