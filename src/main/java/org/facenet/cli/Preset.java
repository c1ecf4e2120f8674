package org.facenet.cli;

/**
 * {@code --preset quick|facenet}. Defaults that differ between a run on the user's data (the published architecture and recipe) and the
 * default run on the embedded synthetic data set (a reduced model that trains in a few minutes on 2 cores).
 * A value set on the command line always wins.
 */
record Preset(String name, Integer imageSize, int embeddingSize, float width, float depth, int batchSize, int epochSize,
    int maxEpochs, double learningRate, float prelogitsNormFactor, Recipe recipe) {

  /**
   * The loss and its schedules: {@code --loss}, {@code --lr-schedule}, {@code --warmup-fraction},
   * {@code --margin-warmup-fraction}, {@code --moving-average-decay}.
   */
  record Recipe(String loss, String lrSchedule, double warmupFraction, double marginWarmupFraction,
      double movingAverageDecay) {

    /** Softmax at a constant rate, no warm-up, no averaging. */
    static final Recipe SOFTMAX = new Recipe("softmax", "constant", 0, 0, 0);

    /** What {@code --help} says it sets. */
    String help() {
      return "--loss " + loss + (lrSchedule.equals("constant") ? "" : " --lr-schedule " + lrSchedule)
          + (warmupFraction == 0 ? "" : " --warmup-fraction " + warmupFraction)
          + (marginWarmupFraction == 0 ? "" : " --margin-warmup-fraction " + marginWarmupFraction)
          + (movingAverageDecay == 0 ? "" : " --moving-average-decay " + movingAverageDecay);
    }
  }

  /**
   * facenet's published recipe (VGGFace2 model): full Inception-ResNet-v1, 512-D, batch 90, 1000 batches an epoch,
   * prelogits norm penalty 5e-4 (p 1).
   */
  static final Preset DATA = new Preset("facenet", null, 512, 1f, 1f, 90, 1000, 100, 0.05, 5e-4f, Recipe.SOFTMAX);

  /** This preset with another image size (null: the backbone's own). */
  Preset withImageSize(Integer size) {
    return new Preset(name, size, embeddingSize, width, depth, batchSize, epochSize, maxEpochs, learningRate,
        prelogitsNormFactor, recipe);
  }

  /**
   * ArcFace (s 64, m 0.5) with its margin ramped over the first 30% of the steps, a 5% warm-up of the rate, then the
   * constant rate, and the weights' moving averages (decay 0.999): the best of the recipes measured at a 10-minute
   * budget on the synthetic set (docs/benchmarks.md, "Recipes at a 10-minute budget").
   */
  static final Recipe QUICK_RECIPE = new Recipe("arcface", "constant", 0.05, 0.3, 0.999);

  /** The embedded default: 96 px, width 0.5, depth 0.2 (1-2-1 blocks), 128-D, 1200 steps of 64, no norm penalty. */
  static final Preset SYNTHETIC = new Preset("quick", 96, 128, 0.5f, 0.2f, 64, 200, 6, 0.05, 0f, QUICK_RECIPE);

  /** What {@code --help} and the README say each preset sets (a constant for picocli; PresetTest checks the recipes). */
  static final String HELP = "quick: reduced Inception-ResNet-v1 at 96 px, width 0.5, depth 0.2, 128-D, batch 64, "
      + "6 epochs of 200 steps, lr 0.05, no prelogits norm penalty, --loss arcface --warmup-fraction 0.05 "
      + "--margin-warmup-fraction 0.3 --moving-average-decay 0.999 (the default "
      + "without --data); facenet: the published recipe, the backbone's own size (160 px), width 1, depth 1, 512-D, "
      + "batch 90, 100 epochs of 1000 steps, lr 0.05, prelogits norm penalty 5e-4, --loss softmax"
      + " (the default with --data)";

  /** {@code --preset NAME}: quick or facenet. */
  static Preset named(String name) {
    return switch (name) {
      case "quick" -> SYNTHETIC;
      case "facenet" -> DATA;
      default -> throw new IllegalArgumentException("--preset: unknown preset '" + name + "'; known: quick, facenet");
    };
  }
}
