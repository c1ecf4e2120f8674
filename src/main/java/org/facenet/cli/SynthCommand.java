package org.facenet.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.facenet.data.SyntheticFaces;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code facenet synth DIR}: the embedded synthetic data set. */
@Command(name = "synth", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Generate the synthetic face data set: DIR/train/<identity>/<nnnn>.png, DIR/heldout/<identity>/<nnnn>.png "
        + "and DIR/pairs.txt (LFW format, held-out identities only). Deterministic from the seed.")
final class SynthCommand implements Callable<Integer> {

  private static final SyntheticFaces.Config D = SyntheticFaces.Config.defaults();

  @Parameters(index = "0", paramLabel = "DIR", description = "Output folder: a set this command wrote there before (or an empty folder) is replaced whole; any other existing folder is refused.")
  Path dir;

  @Option(names = "--seed", defaultValue = "666", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Range(min = 2)
  @Option(names = "--identities", description = "Training identities (default: ${DEFAULT-VALUE}).")
  int identities = D.trainIdentities();

  @Range(min = 2)
  @Option(names = "--images-per-identity", description = "Images per training identity (default: ${DEFAULT-VALUE}).")
  int imagesPerIdentity = D.imagesPerTrainIdentity();

  @Range(min = 2)
  @Option(names = "--held-out-identities", description = "Held-out identities (default: ${DEFAULT-VALUE}).")
  int heldOut = D.heldOutIdentities();

  @Range(min = 2)
  @Option(names = "--held-out-images", description = "Images per held-out identity (default: ${DEFAULT-VALUE}).")
  int heldOutImages = D.imagesPerHeldOutIdentity();

  @Range(min = 32, max = 1024)
  @Option(names = "--image-size", description = "Image side in pixels (default: ${DEFAULT-VALUE}).")
  int imageSize = D.imageSize();

  @Range(min = 2)
  @Option(names = "--folds", description = "Folds of the pairs file (default: ${DEFAULT-VALUE}).")
  int folds = D.folds();

  @Range(min = 1)
  @Option(names = "--pairs-per-fold", description = "Matched (and as many mismatched) pairs per fold (default: ${DEFAULT-VALUE}).")
  int pairsPerFold = D.pairsPerFold();

  @Override
  public Integer call() throws Exception {
    SyntheticFaces.Summary s = SyntheticFaces.generate(dir, new SyntheticFaces.Config(seed, identities, imagesPerIdentity,
        heldOut, heldOutImages, imageSize, folds, pairsPerFold));
    System.out.printf("wrote %d training images (%s), %d held-out images (%s), %d pairs (%s)%n", s.trainImages(),
        s.trainDir(), s.heldOutImages(), s.heldOutDir(), s.pairs(), s.pairsFile());
    return 0;
  }
}
