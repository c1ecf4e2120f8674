package org.facenet.train;

import org.facenet.runtime.SessionOptions;
import org.facenet.runtime.Precision;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.facenet.data.Batch;
import org.facenet.data.BatchSampler;
import org.facenet.data.ImageDataset;
import org.facenet.data.InputPipeline;
import org.facenet.data.PersonBatchSampler;
import org.facenet.data.RandomBatchSampler;
import org.facenet.eval.PairsEvaluation;
import org.facenet.io.NewFiles;
import org.facenet.loss.Loss;
import org.facenet.train.schedule.BudgetPlan;
import org.facenet.train.schedule.ScheduleOptions;
import org.facenet.train.schedule.StepSchedule;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * The training loop: data set -> input pipeline -> training graph, with the learning-rate schedule,
 * periodic checkpoints, periodic held-out evaluations, the NaN guard and the progress display. It only
 * orchestrates; the graph, the data, the evaluation and the checkpoints live in their own classes.
 */
public final class Trainer {

  private final PrintStream out;
  private final boolean terminal;
  private final StopRequest stop;
  private final Distribution distribution;
  private long maxImagePixels = org.facenet.data.ImageHeader.DEFAULT_MAX_PIXELS;
  private FineTuning fineTuning = FineTuning.NONE;
  private ScheduleOptions scheduleOptions = ScheduleOptions.NONE;
  private BudgetPlan plan;
  /** Whether the run being trained has passed its start check (until then a new run's files are taken back). */
  private boolean startChecked;
  private java.util.function.LongSupplier clock = System::nanoTime;

  public Trainer(PrintStream out, boolean terminal) {
    this(out, terminal, StopRequest.NEVER);
  }

  /** A trainer that stops cleanly, with a checkpoint at the current step, when {@code stop} asks. */
  public Trainer(PrintStream out, boolean terminal, StopRequest stop) {
    this(out, terminal, stop, Distribution.LOCAL);
  }

  /** A trainer for one worker of {@code distribution}; only its chief writes to the run folder. */
  public Trainer(PrintStream out, boolean terminal, StopRequest stop, Distribution distribution) {
    this.out = out;
    this.terminal = terminal;
    this.stop = stop;
    this.distribution = distribution;
  }

  /** Training images of more than {@code n} pixels are skipped, named and counted ({@code --max-image-pixels}). */
  public Trainer maxImagePixels(long n) {
    this.maxImagePixels = n;
    return this;
  }

  /** A new run starts from a pretrained model and/or trains only some scopes ({@link FineTuning}). */
  public Trainer withFineTuning(FineTuning fineTuning) {
    this.fineTuning = fineTuning;
    return this;
  }

  /** A new run's warm-up, decay, margin warm-up and time budget ({@link ScheduleOptions}); a resumed run keeps its own. */
  public Trainer withSchedule(ScheduleOptions options) {
    this.scheduleOptions = options;
    return this;
  }

  /** The clock (nanoseconds, {@link System#nanoTime} by default) a time budget is measured on. */
  public Trainer withClock(java.util.function.LongSupplier nanos) {
    this.clock = nanos;
    return this;
  }

  /**
   * Starts a new run in {@code runDir} (which must not hold a run yet). Every input is checked first
   * ({@link TrainingInputs}): a start that fails creates nothing.
   */
  public TrainingResult train(TrainingConfig config, Path runDir) throws IOException, InterruptedException {
    if (distribution.isChief() && Files.exists(runDir.resolve("run.properties"))) {
      throw new IllegalArgumentException(runDir + " already holds a run; use --resume " + runDir + " to continue it");
    }
    if (fineTuning.pretrainedModel() != null) {
      org.facenet.interop.PretrainedWeights.check(fineTuning.pretrainedModel(), config.model());
    }
    TrainingInputs inputs = TrainingInputs.check(config, out::println);
    plan = null;
    scheduleOptions.check(config.loss(), config.scheduleFile() != null, config.recipe().learningRateDecayEpochs(),
        config.learningRate());
    if (scheduleOptions.timeBudget() != null && distribution.workers() > 1) {
      throw new IllegalArgumentException("--time-budget plans one process's steps; a multi-worker run takes --max-epochs");
    }
    NewFiles written = distribution.isChief() ? NewFiles.since(runDir) : null;
    if (distribution.isChief()) {
      Files.createDirectories(runDir);
      config.save(runDir.resolve("run.properties"));
      fineTuning.save(runDir);
      if (!scheduleOptions.isNone()) scheduleOptions.save(runDir, null);
    }
    startChecked = false;
    boolean finished = false;
    try {
      TrainingResult result = run(inputs, runDir, false);
      finished = true;
      return result;
    } finally {
      if (!finished && !startChecked && written != null) takeBack(written, runDir);
    }
  }

  /**
   * A new run that stopped before its first step (e.g. the workers' start check refused it) takes back what it wrote,
   * so that the same command can run again once the cause is fixed.
   */
  private void takeBack(NewFiles written, Path runDir) {
    try {
      if (!written.remove().isEmpty()) {
        out.println("removed what this run wrote in " + runDir + ": it stopped before its first step");
      }
    } catch (IOException e) {
      out.println("warning: could not remove what this run wrote in " + runDir + ": " + e.getMessage());
    }
  }

  /** Continues the run in {@code runDir} from its newest good checkpoint; {@code maxEpochs} (or null) may extend it. */
  public TrainingResult resume(Path runDir, Integer maxEpochs) throws IOException, InterruptedException {
    return resume(runDir, maxEpochs == null ? Map.of() : Map.of("max_epochs", Integer.toString(maxEpochs)));
  }

  /**
   * Continues the run in {@code runDir} from its newest good checkpoint, with the same step counter and schedule, and
   * with {@code changes} (run.properties entries) to the settings that may change ({@link ResumeSettings}); they are
   * logged and recorded in run.properties once the checkpoint is restored.
   */
  public TrainingResult resume(Path runDir, Map<String, String> changes) throws IOException, InterruptedException {
    TrainingConfig saved = TrainingConfig.load(runDir.resolve("run.properties"));
    ResumeSettings settings = ResumeSettings.reconcile(saved, changes);
    TrainingInputs inputs = TrainingInputs.check(settings.config(), out::println);
    if (new Checkpoints(runDir, 3).newestFirst().isEmpty()) {
      throw new IllegalArgumentException(runDir + " has no checkpoint to resume from");
    }
    for (String line : settings.changes()) out.println("resume: " + line);
    fineTuning = FineTuning.load(runDir);
    ScheduleOptions.Saved schedule = ScheduleOptions.load(runDir);
    scheduleOptions = schedule.options();
    plan = schedule.plan();
    return run(inputs, runDir, !settings.changes().isEmpty());
  }

  private TrainingResult run(TrainingInputs inputs, Path runDir, boolean saveSettings)
      throws IOException, InterruptedException {
    try {
      return runSteps(inputs, runDir, saveSettings);
    } catch (TensorFlowException e) {
      throw distribution.explain(e);
    }
  }

  private TrainingResult runSteps(TrainingInputs inputs, Path runDir, boolean saveSettings)
      throws IOException, InterruptedException {
    long started = clock.getAsLong();
    TrainingConfig config = inputs.config();
    ImageDataset dataset = inputs.dataset();
    Path classesFile = runDir.resolve("classes.txt");
    List<String> classes = dataset.classNames();
    if (Files.exists(classesFile)) {
      List<String> before = ClassesFile.read(classesFile);
      if (!before.equals(classes)) {
        throw new IllegalArgumentException(config.dataDir() + " no longer has the " + before.size()
            + " classes this run was started with (" + classesFile + "); it has " + classes.size());
      }
    } else if (distribution.isChief()) {
      ClassesFile.write(classesFile, classes);
    }
    out.printf("data: %s: %d identities, %d images%n", config.dataDir(), dataset.numClasses(), dataset.images().size());

    Loss loss = inputs.loss();
    Checkpoints checkpoints = new Checkpoints(runDir, 3);
    if (distribution.isChief()) {
      for (Path p : CheckpointRecovery.removeTemporaries(checkpoints)) {
        out.println("removed " + p + ", the temporary of a checkpoint save that did not finish");
      }
    }
    try (TrainingGraph g = TrainingGraph.build(config.model(), loss, dataset.numClasses(),
            Optimizer.facenet(config.optimizer()), config.seed(), config.recipe().movingAverageDecay(),
            inputs.validation() != null, fineTuning.trainScopes(), distribution);
        Session session = distribution.open(g.graph,
            SessionOptions.config(config.tfThreads(), config.xla(), config.precision()))) {
      Optional<Path> latest = CheckpointRecovery.restoreNewestGood(checkpoints, session, w -> out.println("warning: " + w));
      long step;
      Path lastCheckpoint;
      double checkpointSeconds = 1;
      if (latest.isPresent()) {
        step = SessionSteps.readStep(session, g);
        lastCheckpoint = latest.get();
        out.printf("resumed %s at step %d%n", latest.get().getParent(), step);
        if (saveSettings && distribution.isChief()) config.save(runDir.resolve("run.properties"));
      } else {
        session.initialize();
        fineTuning.initialise(session, g.variables, config.model(), out);
        if (g.movingAverages != null) g.movingAverages.start(session);
        step = 0;
        long t0 = clock.getAsLong();
        lastCheckpoint = distribution.isChief() ? checkpoints.save(session, 0) : null;
        checkpointSeconds = (clock.getAsLong() - t0) / 1e9;
      }
      distribution.checkStart(session, g, config, step, out);
      startChecked = true;
      long firstStep = step;
      BudgetedSteps steps = new BudgetedSteps(scheduleOptions, plan, inputs.schedule(), config, clock, started, step,
          runDir, distribution.isChief());
      long total = steps.total();
      if (plan != null) out.println("resume: " + plan.describe());
      out.printf("model: %s %dpx, embedding %d, %,d parameters; loss %s; %s lr %s; %s of %s images%s%n",
          config.model().backbone(), config.model().imageSize(), config.model().embeddingSize(),
          g.variables.trainable().stream().mapToLong(e -> e.size()).sum(), config.loss(), config.optimizer(),
          steps.schedule(), steps.describe(step), loss.needsIdentityBatches()
              ? config.peoplePerBatch() + " identities x " + config.imagesPerPerson() : config.batchSize(),
          config.precision() == Precision.FLOAT32 ? "" : "; " + config.precision().name().toLowerCase(java.util.Locale.ROOT));

      // A distributed run: each worker samples its share of the global batch, with a seed of its own.
      long samplerSeed = config.seed() + step + 7919L * distribution.index();
      BatchSampler sampler = loss.needsIdentityBatches()
          ? new PersonBatchSampler(dataset, share(config.peoplePerBatch(), "--people-per-batch"),
              config.imagesPerPerson(), samplerSeed)
          : new RandomBatchSampler(dataset.images().size(), share(config.batchSize(), "--batch-size"), samplerSeed);
      ProgressDisplay progress = new ProgressDisplay(out, terminal, steps.schedule().totalSteps(), 10.0,
          config.epochSize());
      PairsEvaluation.HeldOutPairs heldOut = config.evalEvery() > 0 ? inputs.heldOut() : null;
      Set<String> warned = new HashSet<>();
      double lastLoss = Double.NaN;
      if (config.loss().equals("l2-softmax")) {
        out.printf("l2-softmax: alpha %.1f; the paper's lower bound for class probability 0.9 over %d classes is %.2f%n",
            config.lossOptions().l2SoftmaxAlpha(), dataset.numClasses(),
            org.facenet.loss.L2SoftmaxLoss.lowerBound(0.9, dataset.numClasses()));
      }
      try (TensorBoardWriter events = distribution.isChief() ? new TensorBoardWriter(runDir) : TensorBoardWriter.discarding();
          InputPipeline input = new InputPipeline(dataset, sampler, config.model().imageSize(), config.augmentation(),
          config.inputThreads(), 4, config.seed() + step, maxImagePixels,
          org.facenet.data.DecodedImageCache.create(config.imageCache().mode(), dataset.images().size(),
              config.imageCache().limitBytes()),
          msg -> progress.message("warning: " + msg));
          ValidationSet validation = inputs.validation() == null || !distribution.isChief() ? null : new ValidationSet(inputs.validation(),
              config.model().imageSize(), config.batchSize(), config.seed(), msg -> progress.message("warning: " + msg))) {
        List<String> diagNames = List.copyOf(g.diagnostics.keySet());
        long reported = -1;
        while (step < total) {
          String asked = stop.reason();
          if (asked != null) {
            if (distribution.isChief() && Checkpoints.stepOf(lastCheckpoint) != step) {
              lastCheckpoint = checkpoints.save(session, step);
            }
            events.flush();
            progress.message("");
            throw new TrainingInterruptedException(asked, step, runDir);
          }
          int epoch = (int) (step / config.epochSize());
          StepSchedule schedule = steps.schedule();
          double lr = schedule.rate(step);
          if (lr < 0) {
            steps.stopReason("learning-rate schedule stops at epoch " + epoch);
            break;
          }
          Batch batch = input.next();
          Map<String, Double> diag = new LinkedHashMap<>();
          double total_ = SessionSteps.trainStep(session, g, batch, lr, schedule.marginFactor(step), diagNames, diag);
          step++;
          if (!Double.isFinite(total_)) {
            progress.message("");
            throw new TrainingDivergedException("loss became " + total_ + " at step " + step
                + "; stopping. The last good checkpoint is " + (lastCheckpoint != null ? lastCheckpoint.getParent() : "the chief's")
                + " (lower --learning-rate, or resume from it with --resume " + runDir + ")");
          }
          lastLoss = total_;
          progress.update(step, batch.size, total_, diag, lr);
          diag.put("total_loss", total_);
          diag.put("learning_rate", lr);
          if (scheduleOptions.marginWarmupFraction() > 0) diag.put("margin_factor", schedule.marginFactor(step - 1));
          events.scalars(step, diag);
          double savedSeconds = checkpointSeconds;
          steps.afterStep(step, () -> inputs.heldOut() == null || !distribution.isChief() ? 0
              : timed(() -> SessionSteps.evaluate(session, g, inputs.heldOut(), config.model().imageSize(),
                  SessionSteps.readStep(session, g), events, progress,
                  msg -> { if (warned.add(msg)) progress.message("warning: " + msg); })),
              savedSeconds, config.evalEvery(), config.checkpointEvery(), g.movingAverages != null, progress);
          total = steps.total();
          if (heldOut != null && distribution.isChief() && step % config.evalEvery() == 0 && step < total) {
            // (the final evaluation is the exported model's, after training)
            SessionSteps.evaluate(session, g, heldOut, config.model().imageSize(), step, events, progress,
                msg -> { if (warned.add(msg)) progress.message("warning: " + msg); });
          }
          if (validation != null && (config.evalEvery() > 0 && step % config.evalEvery() == 0 || step == total)) {
            SessionSteps.validate(session, g, validation, step, schedule.marginFactor(step - 1), events, progress);
          }
          if (step % config.checkpointEvery() == 0 || step == total) {
            if (distribution.isChief()) lastCheckpoint = checkpoints.save(session, step);
            distribution.report(session, g, step, out);
            reported = step;
            events.flush();
          }
        }
        if (reported != step) distribution.report(session, g, step, out);
        Path exported = null;
        String weights = TrainingResult.TRAINED;
        if (distribution.isChief()) {
          if (Checkpoints.stepOf(lastCheckpoint) != step) lastCheckpoint = checkpoints.save(session, step);
          exported = lastCheckpoint;
          if (g.movingAverages != null && FinalWeights.averagesAreBetter(session, g, inputs.heldOut(),
              config.model().imageSize(), progress, warned)) {
            exported = g.movingAverages.saveAveraged(session, g.graph, runDir);
            weights = TrainingResult.MOVING_AVERAGE;
          }
        }
        long skipped = input.skippedCount();
        if (skipped > 0) out.printf("skipped %d unreadable image(s) during training%n", skipped);
        return new TrainingResult(runDir, firstStep, step, lastLoss, lastCheckpoint, steps.stopReason(), skipped,
            progress.imagesPerSecond(), (clock.getAsLong() - started) / 1e9, exported, weights);
      }
    }
  }

  /** Seconds {@code body} takes on the trainer's clock. */
  private double timed(Runnable body) {
    long t0 = clock.getAsLong();
    body.run();
    return (clock.getAsLong() - t0) / 1e9;
  }

  /** This worker's part of a global batch dimension ({@code global} itself in a local run). */
  private int share(int global, String option) {
    int n = distribution.workers();
    if (global % n != 0) {
      throw new IllegalArgumentException(option + " " + global + " is the global batch and must divide evenly among the "
          + n + " workers");
    }
    return global / n;
  }


}
