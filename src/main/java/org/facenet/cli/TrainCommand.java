package org.facenet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.facenet.data.Augmentation;
import org.facenet.data.SyntheticFaces;
import org.facenet.eval.PairsEvaluation;
import org.facenet.export.ModelExporter;
import org.facenet.export.ModelMetadata;
import org.facenet.nn.ModelSpec;
import org.facenet.train.OptimizerKind;
import org.facenet.train.ProgressDisplay;
import org.facenet.train.FineTuning;
import org.facenet.train.Trainer;
import org.facenet.train.TrainingConfig;
import org.facenet.train.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facenet train}: train, export a SavedModel, evaluate on held-out pairs. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train an embedding model, export it as a SavedModel and report held-out verification accuracy.",
        "Without --data it trains on the embedded synthetic data set (generated on first use) with the synthetic "
            + "preset, and evaluates on its held-out identities."})
final class TrainCommand implements Callable<Integer> {

  @Option(names = "--data", paramLabel = "DIR",
      description = "Training images in the facenet layout DIR/<identity>/<image>.{jpg,jpeg,png} (default: the embedded synthetic set).")
  Path data;

  @Option(names = "--min-images-per-class", paramLabel = "N", defaultValue = "1",
      description = "Leave out identities with fewer images (default: ${DEFAULT-VALUE}).")
  int minImagesPerClass;

  @Option(names = "--pairs", paramLabel = "FILE",
      description = "LFW-format pairs file for the held-out evaluation after training (with --pairs-dir).")
  Path pairs;

  @Option(names = "--pairs-dir", paramLabel = "DIR", description = "Folder the pairs file's names resolve in.")
  Path pairsDir;

  @Option(names = "--eval-every", paramLabel = "STEPS",
      description = "Held-out evaluation on the pairs every STEPS steps during training, by the training graph's "
          + "inference tower, printed and written to TensorBoard (heldout/*); 0: only the exported model's evaluation "
          + "after training (default: one epoch, --epoch-size).")
  Integer evalEvery;

  @Mixin
  ModelOptions model;

  @Option(names = "--loss", paramLabel = "NAME", defaultValue = "softmax",
      description = "Loss: softmax, center, triplet-batch-hard, triplet-batch-all, triplet-semi-hard, contrastive, "
          + "l2-softmax, am-softmax, cosface, arcface (default: ${DEFAULT-VALUE}).")
  String loss;

  @Mixin
  LossFlags lossFlags;

  @Option(names = "--people-per-batch", paramLabel = "P", defaultValue = "16",
      description = "Metric losses: identities per batch (default: ${DEFAULT-VALUE}).")
  int peoplePerBatch;

  @Option(names = "--images-per-person", paramLabel = "K", defaultValue = "4",
      description = "Metric losses: images per identity per batch; the batch is P x K and --batch-size is ignored. "
          + "An identity with fewer than K images gives each of them once and repeats some to fill K (augmentation makes the copies differ); "
          + "identities with a single image are never drawn, as they have no positive (default: ${DEFAULT-VALUE}).")
  int imagesPerPerson;

  @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "ADAM",
      description = "${COMPLETION-CANDIDATES}, with facenet's constants (default: ${DEFAULT-VALUE}).")
  OptimizerKind optimizer;

  @Option(names = "--learning-rate", paramLabel = "LR",
      description = "Constant learning rate (default: 0.05; ignored with a schedule file).")
  Double learningRate;

  @Option(names = "--learning-rate-schedule-file", paramLabel = "FILE",
      description = "facenet schedule file: lines 'epoch: lr', '#' comments, lr -1 stops training.")
  Path scheduleFile;

  @Option(names = "--max-epochs", paramLabel = "N", description = "Epochs to train (default: 100; 6 in the synthetic preset).")
  Integer maxEpochs;

  @Option(names = "--epoch-size", paramLabel = "STEPS", description = "Steps per epoch (default: 1000; 200 in the synthetic preset).")
  Integer epochSize;

  @Option(names = "--batch-size", paramLabel = "N", description = "Images per step (default: 90; 64 in the synthetic preset).")
  Integer batchSize;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "666",
      description = "Seed of the initialisation, sampling, augmentation and synthetic data (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--random-crop", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Random crops of 85-100%% of the image (default: on).")
  boolean randomCrop;

  @Option(names = "--random-flip", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Random horizontal flips (default: on).")
  boolean randomFlip;

  @Option(names = "--random-rotate", paramLabel = "DEG", defaultValue = "0",
      description = "Random rotation up to this many degrees (default: ${DEFAULT-VALUE}).")
  float randomRotate;

  @Option(names = "--checkpoint-every", paramLabel = "STEPS", defaultValue = "500",
      description = "Steps between checkpoints; one is also written at the end (default: ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(names = "--models-dir", paramLabel = "DIR", defaultValue = "models",
      description = "Where runs are created (default: ${DEFAULT-VALUE}).")
  Path modelsDir;

  @Option(names = "--run-name", paramLabel = "NAME", description = "Run folder name (default: <backbone>-<loss>-<date>).")
  String runName;

  @Option(names = "--resume", paramLabel = "RUN_DIR",
      description = "Continue the run in RUN_DIR from its newest checkpoint (same step counter and schedule; "
          + "--max-epochs may extend it; other options are the run's own).")
  Path resume;

  @Option(names = "--synthetic-dir", paramLabel = "DIR", defaultValue = "data/synthetic",
      description = "Where the embedded synthetic data set is generated (default: ${DEFAULT-VALUE}).")
  Path syntheticDir;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "TensorFlow intra-op threads, 0 lets TensorFlow decide (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--input-threads", paramLabel = "N", defaultValue = "2",
      description = "Image decoding threads (default: ${DEFAULT-VALUE}).")
  int inputThreads;

  @Option(names = "--xla", description = "Compile the training graph with TensorFlow's XLA JIT (GlobalJitLevel ON_1).")
  boolean xla;

  @Mixin
  PrecisionOption precision;

  @Option(names = "--no-export", description = "Skip the SavedModel export and the held-out evaluation.")
  boolean noExport;

  @Option(names = "--pretrained-model", paramLabel = "PATH",
      description = "Start from these weights (by name and shape; the others start fresh): a facenet model folder or "
          + "frozen graph, this project's run folder, checkpoint or SavedModel.")
  Path pretrainedModel;

  @Option(names = "--train-scopes", paramLabel = "NAMES", split = ",",
      description = "Train only the variables under these scopes, e.g. Bottleneck,Logits (default: all).")
  List<String> trainScopes = List.of();

  @Option(names = "--verbose", description = "List every variable restored from --pretrained-model or new.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    Trainer trainer = new Trainer(System.out, ProgressDisplay.stdoutIsTerminal());
    if (resume != null && (pretrainedModel != null || !trainScopes.isEmpty())) {
      throw new IllegalArgumentException("--pretrained-model and --train-scopes start a new run; --resume keeps the run's own");
    }
    trainer.withFineTuning(new FineTuning(pretrainedModel, trainScopes, verbose));
    TrainingResult result;
    String dataset;
    if (resume != null) {
      result = trainer.resume(resume, maxEpochs);
      dataset = TrainingConfig.load(resume.resolve("run.properties")).dataDir().toString();
    } else {
      TrainingConfig config = config();
      dataset = config.dataDir().toString();
      Path runDir = modelsDir.resolve(runName != null ? runName : config.model().backbone() + "-" + loss + "-"
          + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
      System.out.println("run: " + runDir);
      result = trainer.train(config, runDir);
    }
    System.out.printf("trained steps %d..%d in %.0f s (%.1f images/s); %s; last loss %.4f; checkpoint %s%n",
        result.firstStep(), result.lastStep(), result.seconds(), result.imagesPerSecond(), result.stopReason(),
        result.lastLoss(), result.checkpoint().getParent());
    if (noExport) return 0;
    TrainingConfig config = TrainingConfig.load(result.runDir().resolve("run.properties"));
    Path savedModel = result.runDir().resolve("saved_model");
    ModelExporter.export(config.model(), result.checkpoint(), savedModel,
        new ModelMetadata(config.model()).put("dataset", dataset).put("loss", config.loss()).put("steps", result.lastStep()));
    System.out.println("SavedModel: " + savedModel + " (tag serve, signature serving_default: images -> embeddings)");
    if (config.pairsFile() != null) {
      PairsEvaluation.Report report = PairsEvaluation.evaluateWithBaseline(savedModel, config.pairsFile(),
          config.pairsDir(), msg -> System.err.println("warning: " + msg));
      System.out.print(report.summary());
      try (org.facenet.train.TensorBoardWriter events = new org.facenet.train.TensorBoardWriter(result.runDir())) {
        events.scalar(result.lastStep(), "heldout/accuracy", report.model().accuracyMean());
        events.scalar(result.lastStep(), "heldout/val_at_far_1e-3", report.model().valMean());
        events.scalar(result.lastStep(), "heldout/auc", report.model().auc());
        events.scalar(result.lastStep(), "heldout/raw_pixel_accuracy", report.rawPixels().accuracyMean());
      }
    }
    return 0;
  }

  private TrainingConfig config() throws Exception {
    Preset preset = data == null ? Preset.SYNTHETIC : Preset.DATA;
    ModelSpec spec = model.toSpec(preset);
    Path dataDir = data;
    Path pairsFile = pairs;
    Path pairsRoot = pairsDir;
    if (data == null) {
      SyntheticFaces.Summary synth = SyntheticFaces.ensure(syntheticDir, SyntheticFaces.Config.defaults().withSeed(seed),
          System.out);
      dataDir = synth.trainDir();
      if (pairsFile == null) {
        pairsFile = synth.pairsFile();
        pairsRoot = synth.heldOutDir();
      }
    } else if (!Files.isDirectory(data)) {
      throw new IllegalArgumentException(data + ": --data folder not found");
    }
    int steps = epochSize != null ? epochSize : preset.epochSize();
    return new TrainingConfig(spec, loss, lossFlags.toOptions(), dataDir, minImagesPerClass, optimizer,
        learningRate != null ? learningRate : preset.learningRate(), scheduleFile,
        maxEpochs != null ? maxEpochs : preset.maxEpochs(), steps,
        batchSize != null ? batchSize : preset.batchSize(), seed, new Augmentation(randomCrop, randomFlip, randomRotate),
        checkpointEvery, pairsFile, pairsRoot, threads, inputThreads, peoplePerBatch, imagesPerPerson, xla,
        evalEvery != null ? evalEvery : steps, precision.get());
  }
}
