package org.facenet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.Optional;
import org.facenet.data.Augmentation;
import org.facenet.distribute.Replicas;
import org.facenet.distribute.TfConfig;
import org.facenet.runtime.SessionOptions;
import org.facenet.train.Distribution;
import org.facenet.data.SyntheticFaces;
import org.facenet.nn.ModelSpec;
import org.facenet.train.FacenetRecipe;
import org.facenet.train.OptimizerKind;
import org.facenet.train.ProgressDisplay;
import org.facenet.train.SignalStop;
import org.facenet.train.FineTuning;
import org.facenet.train.Trainer;
import org.facenet.train.TrainingConfig;
import org.facenet.train.schedule.ScheduleOptions;
import org.facenet.train.TrainingInterruptedException;
import org.facenet.train.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facenet train}: train, export a SavedModel, evaluate on held-out pairs. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train an embedding model, export it as a SavedModel and report held-out verification accuracy.",
        "Without --data it trains on the embedded synthetic data set (generated on first use) with the synthetic "
            + "preset, and evaluates on its held-out identities.",
        "The first Ctrl-C (SIGINT) or SIGTERM saves a checkpoint after the running step and exits (130, 143); "
            + "a second one aborts at once."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:trained (and exported)", "2:bad input or usage; nothing was created",
        "3:the loss diverged (NaN/Inf); the last good checkpoint is kept",
        "130:interrupted by SIGINT (Ctrl-C), checkpoint saved: resume with --resume RUN",
        "143:interrupted by SIGTERM, checkpoint saved: resume with --resume RUN"})
final class TrainCommand implements Callable<Integer> {

  @Option(names = "--data", paramLabel = "DIR",
      description = "Training images in the facenet layout DIR/<identity>/<image>.{jpg,jpeg,png} (default: the embedded synthetic set).")
  Path data;

  @Option(names = "--preset", paramLabel = "NAME",
      description = "Defaults of the model and its training, each overridden by its own flag: " + Preset.HELP + ".")
  String preset;

  @Range(min = 1)
  @Option(names = "--min-images-per-class", paramLabel = "N", defaultValue = "1",
      description = "Leave out identities with fewer images (default: ${DEFAULT-VALUE}).")
  int minImagesPerClass;

  @Option(names = "--pairs", paramLabel = "FILE",
      description = "LFW-format pairs file for the held-out evaluation after training (with --pairs-dir).")
  Path pairs;

  @Option(names = "--pairs-dir", paramLabel = "DIR", description = "Folder the pairs file's names resolve in.")
  Path pairsDir;

  @Range(min = 0)
  @Option(names = "--eval-every", paramLabel = "STEPS",
      description = "Held-out evaluation on the pairs every STEPS steps during training, by the training graph's "
          + "inference tower, printed and written to TensorBoard (heldout/*); 0: only the exported model's evaluation "
          + "after training (default: one epoch, --epoch-size).")
  Integer evalEvery;

  @Mixin
  ModelOptions model;

  @Option(names = "--loss", paramLabel = "NAME",
      description = "Loss: softmax, center, triplet-batch-hard, triplet-batch-all, triplet-semi-hard, contrastive, "
          + "l2-softmax, am-softmax, cosface, arcface (default: the preset's).")
  String loss;

  @Mixin
  LossFlags lossFlags;

  @Mixin
  ScheduleFlags scheduleFlags;

  @Range(min = 2)
  @Option(names = "--people-per-batch", paramLabel = "P", defaultValue = "16",
      description = "Metric losses: identities per batch (default: ${DEFAULT-VALUE}).")
  int peoplePerBatch;

  @Range(min = 2)
  @Option(names = "--images-per-person", paramLabel = "K", defaultValue = "4",
      description = "Metric losses: images per identity per batch; the batch is P x K and --batch-size is ignored. "
          + "An identity with fewer than K images gives each of them once and repeats some to fill K (augmentation makes the copies differ); "
          + "identities with a single image are never drawn, as they have no positive (default: ${DEFAULT-VALUE}).")
  int imagesPerPerson;

  @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "ADAM",
      description = "${COMPLETION-CANDIDATES}, with facenet's constants (default: ${DEFAULT-VALUE}).")
  OptimizerKind optimizer;

  @Range(min = 0, minExclusive = true)
  @Option(names = "--learning-rate", paramLabel = "LR",
      description = "Constant learning rate (default: 0.05; ignored with a schedule file; on --resume it replaces "
          + "the run's rate or schedule).")
  Double learningRate;

  @Option(names = "--learning-rate-schedule-file", paramLabel = "FILE",
      description = "facenet schedule file: lines 'epoch: lr', '#' comments, lr -1 stops training.")
  Path scheduleFile;

  @Range(min = 0)
  @Option(names = "--learning-rate-decay-epochs", paramLabel = "N", defaultValue = "0",
      description = "facenet's staircase decay: the rate times F^floor(epoch / N), on the constant rate or the "
          + "schedule's; 0 off (default: ${DEFAULT-VALUE}).")
  int learningRateDecayEpochs;

  @Range(min = 0, minExclusive = true, max = 1)
  @Option(names = "--learning-rate-decay-factor", paramLabel = "F", defaultValue = "1.0",
      description = "F of that decay (default: ${DEFAULT-VALUE}).")
  double learningRateDecayFactor;

  @Range(min = 0, max = 0.999999)
  @Option(names = "--moving-average-decay", paramLabel = "D",
      description = "Keep an exponential moving average of the trainable weights (facenet's; it used 0.9999), "
          + "rate min(D, (1 + step) / (10 + step)); the held-out evaluations and the export then use the averaged "
          + "weights. 0 off (default: the preset's).")
  Double movingAverageDecay;

  @Range(min = 0, max = 0.99)
  @Option(names = "--validation-set-split-ratio", paramLabel = "R", defaultValue = "0",
      description = "Hold out this share of each training identity's images as a validation set (facenet's split); "
          + "its loss and accuracy are logged at each --eval-every and in TensorBoard (validation/*). 0 off "
          + "(default: ${DEFAULT-VALUE}).")
  double validationSetSplitRatio;

  @Range(min = 0)
  @Option(names = "--min-images-per-class-for-validation", paramLabel = "N", defaultValue = "0",
      description = "An identity gives images to the validation set only when N or more of its images remain for "
          + "training (default: ${DEFAULT-VALUE}).")
  int minImagesPerClassForValidation;

  @Range(min = 1)
  @Option(names = "--max-epochs", paramLabel = "N", description = "Epochs to train (default: 100; 6 in the synthetic preset).")
  Integer maxEpochs;

  @Range(min = 1)
  @Option(names = "--epoch-size", paramLabel = "STEPS", description = "Steps per epoch (default: 1000; 200 in the synthetic preset).")
  Integer epochSize;

  @Range(min = 1)
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

  @Range(min = 0, max = 180)
  @Option(names = "--random-rotate", paramLabel = "DEG", defaultValue = "0",
      description = "Random rotation up to this many degrees (default: ${DEFAULT-VALUE}).")
  float randomRotate;

  @Range(min = 1)
  @Option(names = "--checkpoint-every", paramLabel = "STEPS", defaultValue = "500",
      description = "Steps between checkpoints; one is also written at the end (default: ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(names = "--models-dir", paramLabel = "DIR", defaultValue = "models",
      description = "Where runs are created (default: ${DEFAULT-VALUE}).")
  Path modelsDir;

  @Option(names = "--run-name", paramLabel = "NAME", description = "Run folder name (default: <backbone>-<loss>-<date>).")
  String runName;

  @Option(names = "--resume", paramLabel = "RUN_DIR",
      description = "Continue the run in RUN_DIR from its newest good checkpoint (same step counter; a bad newest "
          + "one is named and skipped). Given again, --learning-rate, --learning-rate-schedule-file, the decay, "
          + "--max-epochs, --eval-every, --pairs/--pairs-dir, --checkpoint-every, --threads, --input-threads, "
          + "--precision and --xla take effect, are logged and recorded in run.properties; any other setting given "
          + "with another value than the run's is an error naming it.")
  Path resume;

  @Option(names = "--synthetic-dir", paramLabel = "DIR", defaultValue = "data/synthetic",
      description = "Where the embedded synthetic data set is generated (default: ${DEFAULT-VALUE}).")
  Path syntheticDir;

  @Range(min = 0, max = 1024)
  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "TensorFlow intra-op threads, 0 lets TensorFlow decide (default: ${DEFAULT-VALUE}).")
  int threads;

  @Range(min = 1, max = 1024)
  @Option(names = "--input-threads", paramLabel = "N", defaultValue = "2",
      description = "Image decoding threads (default: ${DEFAULT-VALUE}).")
  int inputThreads;

  @Option(names = "--xla", description = "Compile the training graph with TensorFlow's XLA JIT (GlobalJitLevel ON_1).")
  boolean xla;

  @Mixin
  PrecisionOption precision;

  @Mixin
  ImageLimitOption imageLimit;

  @Mixin
  ImageCacheOption imageCache;

  @Option(names = "--no-export", description = "Skip the SavedModel export and the held-out evaluation.")
  boolean noExport;

  @Option(names = "--serving-dir", paramLabel = "BASE/NAME", description = "Also export for TensorFlow Serving: "
      + "BASE/NAME/<version>/ (the next numeric version), with the embed_image_bytes signature too.")
  Path servingDir;

  @Range(min = 1)
  @Option(names = "--collective-timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "Multi-worker training (TF_CONFIG): how long a worker waits for the others at an all-reduce before "
          + "it stops with an error, e.g. when a worker died (default: ${DEFAULT-VALUE}).")
  float collectiveTimeout;

  @Range(min = 1)
  @Option(names = "--all-reduce-bucket-mb", paramLabel = "MB", defaultValue = "16",
      description = "Several workers or --replicas: gradients are averaged in buckets of about this many MiB (default: "
          + "${DEFAULT-VALUE}).")
  int bucketMb;

  @Option(names = "--sync-batch-norm", description = "Several workers or --replicas: batch-norm mean and variance over "
      + "the global batch (one all-reduce a batch norm), not each replica's share; nothing with one replica.")
  boolean syncBatchNorm;

  @Range(min = 1, max = 64)
  @Option(names = "--replicas", paramLabel = "N", defaultValue = "1", description = "N replicas in this process, one a "
      + "GPU (no GPU: N CPU devices), gradients averaged; with TF_CONFIG, on every worker, all in one all-reduce; "
      + "--batch-size is global (default: ${DEFAULT-VALUE}).")
  int replicas;

  @Option(names = "--pretrained-model", paramLabel = "PATH",
      description = "Start from these weights (by name and shape; the others start fresh): a facenet model folder or "
          + "frozen graph, an insightface ONNX file (iresnet), this project's run folder, checkpoint or SavedModel; "
          + "its standardisation (ONNX: ARCFACE; this project's: recorded) is used unless --standardization is given.")
  Path pretrainedModel;

  @Option(names = "--train-scopes", paramLabel = "NAMES", split = ",",
      description = "Train only the variables under these scopes, e.g. Bottleneck,Logits (default: all).")
  List<String> trainScopes = List.of();

  @Spec
  CommandSpec spec;

  /** The facenet command, for its inherited --verbose (which also lists every variable of --pretrained-model). */
  @picocli.CommandLine.ParentCommand
  FacenetCommand parent;

  @Override
  public Integer call() throws Exception {
    if (resume != null && (pretrainedModel != null || !trainScopes.isEmpty())) {
      throw new IllegalArgumentException("--pretrained-model and --train-scopes start a new run; --resume keeps the run's own");
    }
    if (servingDir != null) {
      if (noExport) throw new IllegalArgumentException("--serving-dir exports the model: drop --no-export");
      org.facenet.export.ServingLayout.check(servingDir);
    }
    Optional<TfConfig> cluster = TfConfig.fromEnvironment();
    int workers = cluster.map(c -> c.workers().size()).orElse(1);
    if (replicas * workers > 1) {
      Replicas.check(replicas, workers, resume != null ? TrainingConfig.load(resume.resolve("run.properties"))
          : config(null));
    }
    Distribution distribution = cluster.isPresent()
        ? Replicas.distributed(cluster.get(), replicas, SessionOptions.config(threads, xla, precision.get()),
            collectiveTimeout, (long) bucketMb << 20, syncBatchNorm)
        : Replicas.local(replicas, collectiveTimeout, (long) bucketMb << 20, syncBatchNorm);
    if (cluster.isPresent()) {
      System.out.printf("%s: worker %d of %d (%s); worker 0 is the chief and alone writes the run folder%n",
          TfConfig.VARIABLE, distribution.index(), distribution.workers(), cluster.get().address());
    }
    TrainingResult result;
    String dataset;
    try (SignalStop stop = SignalStop.install()) {
      Trainer trainer = new Trainer(System.out, ProgressDisplay.stdoutIsTerminal(), stop, distribution)
          .maxImagePixels(imageLimit.get())
          .withFineTuning(new FineTuning(pretrainedModel, trainScopes, parent != null && parent.verbose))
          .withSchedule(schedule());
      if (resume != null) {
        TrainingConfig saved = TrainingConfig.load(resume.resolve("run.properties"));
        result = trainer.resume(resume, ResumeFlags.asked(spec.commandLine().getParseResult(), config(saved),
            msg -> System.err.println("warning: " + msg)));
        dataset = TrainingConfig.load(resume.resolve("run.properties")).dataDir().toString();
      } else {
        TrainingConfig config = config(null);
        dataset = config.dataDir().toString();
        Path runDir = modelsDir.resolve(runName != null ? runName : config.model().backbone() + "-" + config.loss() + "-"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (distribution.isChief()) System.out.println("run: " + runDir);
        result = trainer.train(config, runDir);
      }
    } catch (TrainingInterruptedException e) {
      System.out.println(e.getMessage());
      return SignalStop.exitCode(e.reason());
    }
    if (!distribution.isChief()) {
      System.out.printf("worker %d: trained steps %d..%d in %.0f s (%.1f images/s on this worker); %s%n",
          distribution.index(), result.firstStep(), result.lastStep(), result.seconds(), result.imagesPerSecond(),
          result.stopReason());
      return 0;
    }
    System.out.printf("trained steps %d..%d in %.0f s (%.1f images/s); %s; last loss %.4f; checkpoint %s%n",
        result.firstStep(), result.lastStep(), result.seconds(), result.imagesPerSecond(), result.stopReason(),
        result.lastLoss(), result.checkpoint().getParent());
    if (noExport) return 0;
    TrainedRunOutputs.exportAndEvaluate(result, dataset, servingDir, resume == null ? scheduleFlags.timeBudget : null);
    return 0;
  }

  /**
   * The standardisation --pretrained-model declares (an ONNX file: arcface; this project's models: their metadata),
   * unless --standardization is given: fine-tuning feeds the model what it was trained on. A given one that differs
   * is kept with a warning.
   */
  private ModelSpec withPretrainedStandardization(ModelSpec s) throws java.io.IOException {
    var declared = org.facenet.interop.SourceStandardization.of(pretrainedModel);
    if (declared.isEmpty() || declared.get().standardization() == s.standardization()) return s;
    org.facenet.nn.Standardization wanted = declared.get().standardization();
    String name = wanted.name();
    if (this.spec != null && this.spec.commandLine().getParseResult().hasMatchedOption("--standardization")) {
      System.err.printf("warning: --pretrained-model was trained with standardisation %s (%s); this run uses %s as "
          + "--standardization asks%n", name, declared.get().from(),
          s.standardization().name());
      return s;
    }
    System.out.printf("standardisation %s, as --pretrained-model declares (%s); --standardization overrides%n", name,
        declared.get().from());
    return new ModelSpec(s.backbone(), s.imageSize(), s.config(), s.weightDecay(), wanted);
  }

  /** The schedules: the flags, and the preset's recipe where they are unset. */
  ScheduleOptions schedule() {
    Preset.Recipe recipe = preset().recipe();
    return scheduleFlags.toOptions(recipe, loss != null ? loss : recipe.loss(),
        scheduleFile != null || learningRateDecayEpochs > 0);
  }

  /** {@code --preset}, else quick on the synthetic set and facenet with --data. */
  private Preset preset() {
    return this.preset != null ? Preset.named(this.preset) : data == null ? Preset.SYNTHETIC : Preset.DATA;
  }

  /** The settings this command line gives; with {@code saved} (--resume) unset paths are the run's own. */
  TrainingConfig config(TrainingConfig saved) throws Exception {
    Preset preset = preset();
    if (schedule().timeBudget() != null && maxEpochs != null && saved == null) {
      throw new IllegalArgumentException("--time-budget sets the run's steps: drop --max-epochs");
    }
    ModelSpec spec = model.toSpec(preset);
    if (saved == null && pretrainedModel != null) spec = withPretrainedStandardization(spec);
    Path dataDir = data;
    Path pairsFile = pairs;
    Path pairsRoot = pairsDir;
    if (saved != null) {
      if (dataDir == null) dataDir = saved.dataDir();
      if (pairsFile == null) pairsFile = saved.pairsFile();
      if (pairsRoot == null) pairsRoot = saved.pairsDir();
    } else if (data == null) {
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
    Preset.Recipe recipe = preset.recipe();
    return new TrainingConfig(spec, loss != null ? loss : recipe.loss(), lossFlags.toOptions(preset), dataDir, minImagesPerClass, optimizer,
        learningRate != null ? learningRate : preset.learningRate(), scheduleFile,
        maxEpochs != null ? maxEpochs : preset.maxEpochs(), steps,
        batchSize != null ? batchSize : preset.batchSize(), seed, new Augmentation(randomCrop, randomFlip, randomRotate),
        checkpointEvery, pairsFile, pairsRoot, threads, inputThreads, peoplePerBatch, imagesPerPerson, xla,
        evalEvery != null ? evalEvery : steps, precision.get(), new FacenetRecipe(
            movingAverageDecay != null ? movingAverageDecay : recipe.movingAverageDecay(),
            learningRateDecayEpochs, learningRateDecayFactor, validationSetSplitRatio, minImagesPerClassForValidation),
        imageCache.settings());
  }
}
