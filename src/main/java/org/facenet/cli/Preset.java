package org.facenet.cli;

/**
 * {@code --preset quick|facenet}. Defaults that differ between a run on the user's data (the published architecture and recipe) and the
 * default run on the embedded synthetic data set (a reduced model that trains in a few minutes on 2 cores).
 * A value set on the command line always wins.
 */
record Preset(String name, Integer imageSize, int embeddingSize, float width, float depth, int batchSize, int epochSize,
    int maxEpochs, double learningRate, float prelogitsNormFactor) {

  /**
   * facenet's published recipe (VGGFace2 model): full Inception-ResNet-v1, 512-D, batch 90, 1000 batches an epoch,
   * prelogits norm penalty 5e-4 (p 1).
   */
  static final Preset DATA = new Preset("facenet", null, 512, 1f, 1f, 90, 1000, 100, 0.05, 5e-4f);

  /** This preset with another image size (null: the backbone's own). */
  Preset withImageSize(Integer size) {
    return new Preset(name, size, embeddingSize, width, depth, batchSize, epochSize, maxEpochs, learningRate,
        prelogitsNormFactor);
  }

  /** The embedded default: 96 px, width 0.5, depth 0.2 (1-2-1 blocks), 128-D, 1200 steps of 64, no norm penalty. */
  static final Preset SYNTHETIC = new Preset("quick", 96, 128, 0.5f, 0.2f, 64, 200, 6, 0.05, 0f);

  /** What {@code --help} and the README say each preset sets. */
  static final String HELP = "quick: reduced Inception-ResNet-v1 at 96 px, width 0.5, depth 0.2, 128-D, batch 64, "
      + "6 epochs of 200 steps, lr 0.05, no prelogits norm penalty (the default without --data); facenet: the published "
      + "recipe, the backbone's own size (160 px), width 1, depth 1, 512-D, batch 90, 100 epochs of 1000 steps, lr 0.05, "
      + "prelogits norm penalty 5e-4 (the default with --data)";

  /** {@code --preset NAME}: quick or facenet. */
  static Preset named(String name) {
    return switch (name) {
      case "quick" -> SYNTHETIC;
      case "facenet" -> DATA;
      default -> throw new IllegalArgumentException("--preset: unknown preset '" + name + "'; known: quick, facenet");
    };
  }
}
