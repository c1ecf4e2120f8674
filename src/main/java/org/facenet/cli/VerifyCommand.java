package org.facenet.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.facenet.data.ImageDataset;
import org.facenet.data.Pair;
import org.facenet.data.PairsFile;
import org.facenet.embed.Embedder;
import org.facenet.embed.EmbeddingsCsv;
import org.facenet.eval.Distance;
import org.facenet.eval.PairsEvaluation;
import org.facenet.eval.RocPlot;
import org.facenet.eval.Verification;
import org.facenet.eval.VerificationResult;
import org.facenet.progress.Progress;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facenet verify}: the LFW pairs protocol on embeddings or a model; {@code --make-pairs} writes a pairs file. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Face verification on an LFW-format pairs file, as facenet computes it: 10-fold accuracy (threshold "
        + "chosen on the other folds), VAL@FAR, ROC AUC, EER; with --roc, the ROC curve as PNG (FAR on a log axis) and CSV.",
        "  facenet-verify --pairs pairs.txt --embeddings embeddings.csv",
        "  facenet-verify --pairs pairs.txt --model RUN/saved_model --data DIR",
        "  facenet-verify --make-pairs --data DIR --pairs pairs.txt"})
final class VerifyCommand implements Callable<Integer> {

  @Option(names = "--pairs", paramLabel = "FILE", required = true,
      description = "LFW-format pairs file (read; written with --make-pairs). An image is LFW's 1-based index "
          + "(NAME/NAME_0001.jpg or NAME/0001.jpg) or, for other file names, the file's name: 'NAME IMG_7.jpg IMG_9.jpg'.")
  Path pairs;

  static final class Source {
    @Option(names = "--embeddings", paramLabel = "CSV", description = "Embeddings CSV from facenet-embed.")
    Path embeddings;

    @Option(names = "--model", paramLabel = "MODEL_DIR",
        description = "SavedModel to embed the pairs' images with (needs --data); a run folder stands for its saved_model/.")
    Path model;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Source source = new Source();

  @Option(names = "--data", paramLabel = "DIR", description = "Images in the facenet layout (with --model or --make-pairs).")
  Path data;

  @Option(names = "--distance", paramLabel = "KIND", defaultValue = "SQUARED_EUCLIDEAN",
      description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Distance distance;

  @Option(names = "--subtract-mean", description = "Subtract the training folds' mean embedding before distances (facenet's option).")
  boolean subtractMean;

  @Mixin
  PrecisionOption precision;

  @Mixin
  ImageLimitOption imageLimit;

  @Option(names = "--flip", description = "With --model: add the mirror image's embedding (test-time augmentation).")
  boolean flip;

  @Range(min = 0, max = 1, minExclusive = true)
  @Option(names = "--far", paramLabel = "RATE", defaultValue = "1e-3", description = "FAR target of VAL@FAR (default: ${DEFAULT-VALUE}).")
  double far;

  @Option(names = "--roc", paramLabel = "PREFIX",
      description = "Write the ROC curve to PREFIX.png (FAR on a log axis, VAL@FAR and EER marked) and PREFIX.csv "
          + "(threshold,tpr,fpr); without it no ROC file is written.")
  Path roc;

  @Option(names = "--make-pairs", description = "Write a pairs file for --data instead of evaluating: LFW's numeric "
      + "form where the files are numbered as LFW's (NAME_0001.jpg or 0001.jpg, in order), file names otherwise; names "
      + "with white space are refused.")
  boolean makePairs;

  @Range(min = 2)
  @Option(names = "--folds", paramLabel = "N", defaultValue = "10", description = "--make-pairs: folds (default: ${DEFAULT-VALUE}).")
  int folds;

  @Range(min = 1)
  @Option(names = "--pairs-per-fold", paramLabel = "N", defaultValue = "300",
      description = "--make-pairs: matched (and as many mismatched) pairs per fold (default: ${DEFAULT-VALUE}).")
  int pairsPerFold;

  @Range(min = 1)
  @Option(names = "--min-images-per-class", paramLabel = "N", defaultValue = "1",
      description = "--make-pairs: leave out identities with fewer images (default: ${DEFAULT-VALUE}).")
  int minImagesPerClass;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "666", description = "--make-pairs: seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (makePairs) {
      if (data == null) throw new IllegalArgumentException("--make-pairs needs --data DIR");
      ImageDataset ds = ImageDataset.scan(data, minImagesPerClass);
      List<Pair> made = PairsFile.make(ds, folds, pairsPerFold, seed);
      PairsFile.write(pairs, folds, pairsPerFold, made);
      System.out.printf("wrote %d pairs (%d folds of %d matched + %d mismatched) over %d identities of %s to %s (%s)%n",
          made.size(), folds, pairsPerFold, pairsPerFold, ds.numClasses(), data, pairs, made.get(0).firstFile() == null
              ? "LFW's numeric form" : "images by file name: the files are not numbered as LFW's");
      return 0;
    }
    PairsFile.Parsed parsed = PairsFile.read(pairs);
    PairsEvaluation.PairEmbeddings e;
    if (source.embeddings != null) {
      e = PairsEvaluation.fromRows(EmbeddingsCsv.read(source.embeddings), parsed.pairs());
    } else if (source.model != null) {
      if (data == null) throw new IllegalArgumentException("--model needs --data DIR, the folder the pairs' names resolve in");
      try (Embedder embedder = precision.load(source.model)) {
        PairsFile.Resolved resolved = PairsFile.resolve(data, parsed.pairs());
        Progress progress = Progress.onStdout("embedding", PairsEvaluation.imageCount(resolved), "img");
        e = PairsEvaluation.embedWithModel(embedder, resolved, flip, imageLimit.get(),
            msg -> progress.message(System.err, "warning: " + msg), progress::update);
        progress.finish();
      }
    } else {
      throw new IllegalArgumentException("give --embeddings CSV, or --model MODEL_DIR with --data DIR");
    }
    if (!e.missing().isEmpty()) {
      System.err.printf("warning: %d of %d pairs skipped (image or embedding missing), e.g. %s%n", e.missing().size(),
          parsed.pairs().size(), e.missing().get(0));
    }
    if (e.same().length < parsed.folds()) {
      throw new IllegalArgumentException(pairs + ": only " + e.same().length + " usable pairs for " + parsed.folds() + " folds");
    }
    VerificationResult r = Verification.evaluate(e.first(), e.second(), e.same(),
        new Verification.Options(parsed.folds(), distance, subtractMean, far));
    System.out.println(r.summary());
    System.out.printf(Locale.ROOT, "Pairs skipped: %d%n", e.missing().size());
    if (roc != null) {
      Path png = Path.of(roc + ".png");
      Path csv = Path.of(roc + ".csv");
      RocPlot.writePng(png, r, far, "ROC: " + pairs.getFileName());
      RocPlot.writeCsv(csv, r.roc());
      System.out.println("ROC curve: " + png + ", " + csv);
    }
    return 0;
  }
}
