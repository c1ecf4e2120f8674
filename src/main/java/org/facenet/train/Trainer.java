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
import org.facenet.embed.Embedder;
import org.facenet.eval.PairsEvaluation;
import org.facenet.eval.VerificationResult;
import org.facenet.loss.Loss;
import org.facenet.loss.Losses;
import org.facenet.io.AtomicFiles;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The training loop: data set -> input pipeline -> training graph, with the learning-rate schedule,
 * periodic checkpoints, periodic held-out evaluations, the NaN guard and the progress display. It only
 * orchestrates; the graph, the data, the evaluation and the checkpoints live in their own classes.
 */
public final class Trainer {

  private final PrintStream out;
  private final boolean terminal;
  private FineTuning fineTuning = FineTuning.NONE;

  public Trainer(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** A new run starts from a pretrained model and/or trains only some scopes ({@link FineTuning}). */
  public Trainer withFineTuning(FineTuning fineTuning) {
    this.fineTuning = fineTuning;
    return this;
  }

  /** Starts a new run in {@code runDir} (which must not hold a run yet). */
  public TrainingResult train(TrainingConfig config, Path runDir) throws IOException, InterruptedException {
    if (Files.exists(runDir.resolve("run.properties"))) {
      throw new IllegalArgumentException(runDir + " already holds a run; use --resume " + runDir + " to continue it");
    }
    if (fineTuning.pretrainedModel() != null) org.facenet.interop.PretrainedWeights.open(fineTuning.pretrainedModel());
    Files.createDirectories(runDir);
    config.save(runDir.resolve("run.properties"));
    fineTuning.save(runDir);
    return run(config, runDir);
  }

  /** Continues the run in {@code runDir} from its newest checkpoint, with the same step counter and schedule. */
  public TrainingResult resume(Path runDir, Integer maxEpochs) throws IOException, InterruptedException {
    TrainingConfig config = TrainingConfig.load(runDir.resolve("run.properties"));
    if (maxEpochs != null && maxEpochs != config.maxEpochs()) {
      config = config.withMaxEpochs(maxEpochs);
      config.save(runDir.resolve("run.properties"));
    }
    if (new Checkpoints(runDir, 3).latest().isEmpty()) {
      throw new IllegalArgumentException(runDir + " has no checkpoint to resume from");
    }
    fineTuning = FineTuning.load(runDir);
    return run(config, runDir);
  }

  private TrainingResult run(TrainingConfig config, Path runDir) throws IOException, InterruptedException {
    long started = System.nanoTime();
    LearningRateSchedule schedule = config.schedule();
    ImageDataset dataset = ImageDataset.scan(config.dataDir(), config.minImagesPerClass());
    Path classesFile = runDir.resolve("classes.txt");
    List<String> classes = dataset.classNames();
    if (Files.exists(classesFile)) {
      List<String> before = Files.readAllLines(classesFile);
      if (!before.equals(classes)) {
        throw new IllegalArgumentException(config.dataDir() + " no longer has the " + before.size()
            + " classes this run was started with (" + classesFile + "); it has " + classes.size());
      }
    } else {
      AtomicFiles.write(classesFile, o -> o.write((String.join("\n", classes) + "\n").getBytes()));
    }
    out.printf("data: %s: %d identities, %d images%n", config.dataDir(), dataset.numClasses(), dataset.images().size());

    Loss loss = Losses.create(config.loss(), config.lossOptions());
    Checkpoints checkpoints = new Checkpoints(runDir, 3);
    try (TrainingGraph g = TrainingGraph.build(config.model(), loss, dataset.numClasses(),
            Optimizer.facenet(config.optimizer()), config.seed(), fineTuning.trainScopes());
        Session session = SessionOptions.open(g.graph, config.tfThreads(), config.xla(), config.precision())) {
      Optional<Path> latest = checkpoints.latest();
      long step;
      Path lastCheckpoint;
      if (latest.isPresent()) {
        session.restore(latest.get().toString());
        step = readStep(session, g);
        lastCheckpoint = latest.get();
        out.printf("resumed %s at step %d%n", latest.get().getParent(), step);
      } else {
        session.initialize();
        fineTuning.initialise(session, g.variables, config.model(), out);
        step = 0;
        lastCheckpoint = checkpoints.save(session, 0);
      }
      long firstStep = step;
      long total = config.totalSteps();
      out.printf("model: %s %dpx, embedding %d, %,d parameters; loss %s; %s lr %s; %d steps of %s images%s%n",
          config.model().backbone(), config.model().imageSize(), config.model().embeddingSize(),
          g.variables.trainable().stream().mapToLong(e -> e.size()).sum(), config.loss(), config.optimizer(),
          schedule, total - step, loss.needsIdentityBatches()
              ? config.peoplePerBatch() + " identities x " + config.imagesPerPerson() : config.batchSize(),
          config.precision() == Precision.FLOAT32 ? "" : "; " + config.precision().name().toLowerCase(java.util.Locale.ROOT));

      BatchSampler sampler = loss.needsIdentityBatches()
          ? new PersonBatchSampler(dataset, config.peoplePerBatch(), config.imagesPerPerson(), config.seed() + step)
          : new RandomBatchSampler(dataset.images().size(), config.batchSize(), config.seed() + step);
      ProgressDisplay progress = new ProgressDisplay(out, terminal, total, 10.0);
      PairsEvaluation.HeldOutPairs heldOut = config.evalEvery() > 0 && config.pairsFile() != null
          ? PairsEvaluation.HeldOutPairs.read(config.pairsFile(), config.pairsDir()) : null;
      Set<String> warned = new HashSet<>();
      String stopReason = "max epochs reached";
      double lastLoss = Double.NaN;
      if (config.loss().equals("l2-softmax")) {
        out.printf("l2-softmax: alpha %.1f; the paper's lower bound for class probability 0.9 over %d classes is %.2f%n",
            config.lossOptions().l2SoftmaxAlpha(), dataset.numClasses(),
            org.facenet.loss.L2SoftmaxLoss.lowerBound(0.9, dataset.numClasses()));
      }
      try (TensorBoardWriter events = new TensorBoardWriter(runDir);
          InputPipeline input = new InputPipeline(dataset, sampler, config.model().imageSize(), config.augmentation(),
          config.inputThreads(), 4, config.seed() + step, msg -> progress.message("warning: " + msg))) {
        List<String> diagNames = List.copyOf(g.diagnostics.keySet());
        while (step < total) {
          int epoch = (int) (step / config.epochSize());
          double lr = schedule.rate(epoch);
          if (lr < 0) {
            stopReason = "learning-rate schedule stops at epoch " + epoch;
            break;
          }
          Batch batch = input.next();
          Map<String, Double> diag = new LinkedHashMap<>();
          double total_;
          try (TFloat32 images = TFloat32.tensorOf(Shape.of(batch.size, batch.imageSize, batch.imageSize, 3),
                  DataBuffers.of(batch.pixels, true, false));
              TInt32 labels = TInt32.tensorOf(Shape.of(batch.size), DataBuffers.of(batch.labels, true, false));
              TFloat32 lrT = TFloat32.scalarOf((float) lr)) {
            Session.Runner runner = session.runner().feed(g.images, images).feed(g.labels, labels)
                .feed(g.learningRate, lrT).addTarget(g.trainOp).fetch(g.totalLoss).fetch(g.loss).fetch(g.regularization);
            for (String n : diagNames) runner.fetch(g.diagnostics.get(n));
            try (Result r = runner.run()) {
              total_ = ((TFloat32) r.get(0)).getFloat();
              diag.put("loss_term", (double) ((TFloat32) r.get(1)).getFloat());
              diag.put("regularization", (double) ((TFloat32) r.get(2)).getFloat());
              for (int i = 0; i < diagNames.size(); i++) diag.put(diagNames.get(i), (double) ((TFloat32) r.get(i + 3)).getFloat());
            }
          }
          step++;
          if (!Double.isFinite(total_)) {
            progress.message("");
            throw new TrainingDivergedException("loss became " + total_ + " at step " + step
                + "; stopping. The last good checkpoint is " + lastCheckpoint.getParent()
                + " (lower --learning-rate, or resume from it with --resume " + runDir + ")");
          }
          lastLoss = total_;
          progress.update(step, batch.size, total_, diag, lr);
          diag.put("total_loss", total_);
          diag.put("learning_rate", lr);
          events.scalars(step, diag);
          if (heldOut != null && step % config.evalEvery() == 0 && step < total) {
            // (the final evaluation is the exported model's, after training)
            evaluate(session, g, heldOut, config.model().imageSize(), step, events, progress,
                msg -> { if (warned.add(msg)) progress.message("warning: " + msg); });
          }
          if (step % config.checkpointEvery() == 0 || step == total) {
            lastCheckpoint = checkpoints.save(session, step);
            events.flush();
          }
        }
        if (Checkpoints.stepOf(lastCheckpoint) != step) lastCheckpoint = checkpoints.save(session, step);
        long skipped = input.skippedCount();
        if (skipped > 0) out.printf("skipped %d unreadable image(s) during training%n", skipped);
        return new TrainingResult(runDir, firstStep, step, lastLoss, lastCheckpoint, stopReason, skipped,
            progress.imagesPerSecond(), (System.nanoTime() - started) / 1e9);
      }
    }
  }

  /**
   * The held-out pairs embedded by the graph's inference tower (the weights as they are now, batch norm on the moving
   * statistics), facenet's LFW figures printed and written to TensorBoard as heldout/*; its time is left out of the
   * training images/s.
   */
  private static void evaluate(Session session, TrainingGraph g, PairsEvaluation.HeldOutPairs heldOut, int imageSize,
      long step, TensorBoardWriter events, ProgressDisplay progress, Consumer<String> warnings) {
    long t0 = System.nanoTime();
    PairsEvaluation.Evaluation e = heldOut.evaluate(imageSize, warnings, pixels -> embed(session, g, pixels, imageSize));
    VerificationResult r = e.results().get(0);
    long elapsed = System.nanoTime() - t0;
    progress.exclude(elapsed);
    progress.message(String.format(Locale.ROOT,
        "step %d: held-out accuracy %.4f +- %.4f, VAL@FAR=1e-3 %.4f, AUC %.4f (%d pairs%s, %.1f s)", step,
        r.accuracyMean(), r.accuracyStd(), r.valMean(), r.auc(), r.pairs(),
        e.missing().isEmpty() ? "" : ", " + e.missing().size() + " skipped", elapsed / 1e9));
    events.scalar(step, "heldout/accuracy", r.accuracyMean());
    events.scalar(step, "heldout/val_at_far_1e-3", r.valMean());
    events.scalar(step, "heldout/auc", r.auc());
    events.flush();
  }

  private static float[][] embed(Session session, TrainingGraph g, float[] pixels, int size) {
    int n = pixels.length / (size * size * 3);
    try (TFloat32 images = TFloat32.tensorOf(Shape.of(n, size, size, 3), DataBuffers.of(pixels, true, false));
        Result r = session.runner().feed(g.evalImages, images).fetch(g.evalEmbeddings).run()) {
      return Embedder.rows((TFloat32) r.get(0));
    }
  }

  private static long readStep(Session session, TrainingGraph g) {
    try (Result r = session.runner().fetch(g.globalStep).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }

}
