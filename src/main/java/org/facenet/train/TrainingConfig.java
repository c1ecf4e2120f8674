package org.facenet.train;

import org.facenet.runtime.Precision;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.facenet.data.Augmentation;
import org.facenet.io.AtomicFiles;
import org.facenet.io.TextFiles;
import org.facenet.loss.LossOptions;
import org.facenet.nn.ModelSpec;

/**
 * A training run's settings, saved as {@code RUN/run.properties} so that {@code --resume RUN} rebuilds
 * the same graph and continues the same schedule.
 *
 * @param learningRate     the constant rate, used when {@code scheduleFile} is null
 * @param scheduleFile     facenet's "epoch: lr" file, or null
 * @param epochSize        optimizer steps per epoch
 * @param checkpointEvery  steps between checkpoints (and one at the end)
 * @param pairsFile        LFW-format pairs for the held-out evaluation after export, or null
 * @param pairsDir         the folder the pairs' names resolve in
 * @param tfThreads        TensorFlow intra-op threads (0: TensorFlow decides)
 * @param inputThreads     image decoding threads
 * @param peoplePerBatch   identities per batch for losses that need identity batches (P)
 * @param imagesPerPerson  images per identity in such batches (K); the batch is then P x K
 * @param xla              TensorFlow's XLA JIT compilation of the training graph
 * @param evalEvery        steps between held-out evaluations during training (with a pairs file; 0: none, only the
 *                         evaluation of the exported model after training)
 * @param precision        arithmetic of the training session's convolutions and matrix products (variables, their
 *                         updates and the exported model stay float32)
 * @param recipe           facenet's moving average of the weights, staircase decay and validation split
 * @param imageCache       the decoded training images kept in memory (a performance setting)
 */
public record TrainingConfig(ModelSpec model, String loss, LossOptions lossOptions, Path dataDir, int minImagesPerClass,
    OptimizerKind optimizer, double learningRate, Path scheduleFile, int maxEpochs, int epochSize, int batchSize,
    long seed, Augmentation augmentation, int checkpointEvery, Path pairsFile, Path pairsDir, int tfThreads,
    int inputThreads, int peoplePerBatch, int imagesPerPerson, boolean xla, int evalEvery, Precision precision,
    FacenetRecipe recipe, ImageCacheSettings imageCache) {

  /** Settings without facenet's moving average, decay schedule and validation split. */
  public TrainingConfig(ModelSpec model, String loss, LossOptions lossOptions, Path dataDir, int minImagesPerClass,
      OptimizerKind optimizer, double learningRate, Path scheduleFile, int maxEpochs, int epochSize, int batchSize,
      long seed, Augmentation augmentation, int checkpointEvery, Path pairsFile, Path pairsDir, int tfThreads,
      int inputThreads, int peoplePerBatch, int imagesPerPerson, boolean xla, int evalEvery, Precision precision) {
    this(model, loss, lossOptions, dataDir, minImagesPerClass, optimizer, learningRate, scheduleFile, maxEpochs,
        epochSize, batchSize, seed, augmentation, checkpointEvery, pairsFile, pairsDir, tfThreads, inputThreads,
        peoplePerBatch, imagesPerPerson, xla, evalEvery, precision, FacenetRecipe.NONE);
  }

  /** Settings with the image cache's default ({@link ImageCacheSettings#DEFAULT}). */
  public TrainingConfig(ModelSpec model, String loss, LossOptions lossOptions, Path dataDir, int minImagesPerClass,
      OptimizerKind optimizer, double learningRate, Path scheduleFile, int maxEpochs, int epochSize, int batchSize,
      long seed, Augmentation augmentation, int checkpointEvery, Path pairsFile, Path pairsDir, int tfThreads,
      int inputThreads, int peoplePerBatch, int imagesPerPerson, boolean xla, int evalEvery, Precision precision,
      FacenetRecipe recipe) {
    this(model, loss, lossOptions, dataDir, minImagesPerClass, optimizer, learningRate, scheduleFile, maxEpochs,
        epochSize, batchSize, seed, augmentation, checkpointEvery, pairsFile, pairsDir, tfThreads, inputThreads,
        peoplePerBatch, imagesPerPerson, xla, evalEvery, precision, recipe, ImageCacheSettings.DEFAULT);
  }

  public TrainingConfig {
    java.util.Objects.requireNonNull(recipe, "recipe");
    java.util.Objects.requireNonNull(imageCache, "imageCache");
    if (maxEpochs < 1) throw new IllegalArgumentException("--max-epochs must be >= 1, got " + maxEpochs);
    if (epochSize < 1) throw new IllegalArgumentException("--epoch-size must be >= 1, got " + epochSize);
    if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
    java.util.Objects.requireNonNull(precision, "precision");
    if (evalEvery < 0) throw new IllegalArgumentException("--eval-every must be >= 0, got " + evalEvery);
    if (checkpointEvery < 1) throw new IllegalArgumentException("--checkpoint-every must be >= 1, got " + checkpointEvery);
    if (minImagesPerClass < 1) throw new IllegalArgumentException("--min-images-per-class must be >= 1");
    if (scheduleFile == null && !(learningRate > 0)) {
      throw new IllegalArgumentException("--learning-rate must be > 0, got " + learningRate);
    }
    if (peoplePerBatch < 1 || imagesPerPerson < 1) {
      throw new IllegalArgumentException("--people-per-batch and --images-per-person must be >= 1");
    }
    if ((pairsFile == null) != (pairsDir == null)) {
      throw new IllegalArgumentException("--pairs and --pairs-dir go together");
    }
  }

  public long totalSteps() {
    return (long) maxEpochs * epochSize;
  }

  /** The learning rate by epoch: the schedule file's or the constant rate, with facenet's staircase decay if set. */
  public LearningRateSchedule schedule() throws IOException {
    LearningRateSchedule base = scheduleFile == null ? LearningRateSchedule.constant(learningRate)
        : LearningRateSchedule.parse(scheduleFile);
    return recipe.learningRateDecayEpochs() > 0
        ? base.withDecay(recipe.learningRateDecayEpochs(), recipe.learningRateDecayFactor()) : base;
  }

  /** These settings with {@code maxEpochs}. */
  public TrainingConfig withMaxEpochs(int epochs) {
    return withChanges(java.util.Map.of("max_epochs", Integer.toString(epochs)));
  }

  /** These settings with held-out evaluations on {@code pairsFile} (names resolved in {@code pairsDir}) every {@code evalEvery} steps. */
  public TrainingConfig withEvaluation(Path pairsFile, Path pairsDir, int evalEvery) {
    java.util.Map<String, String> changes = new java.util.HashMap<>();
    changes.put("pairs_file", pairsFile == null ? null : pairsFile.toAbsolutePath().toString());
    changes.put("pairs_dir", pairsDir == null ? null : pairsDir.toAbsolutePath().toString());
    changes.put("eval_every", Integer.toString(evalEvery));
    return withChanges(changes);
  }

  /** These settings at {@code precision}. */
  public TrainingConfig withPrecision(Precision precision) {
    return withChanges(java.util.Map.of("precision", precision.name()));
  }

  /** These settings with facenet's moving average, decay schedule and validation split as {@code recipe} says. */
  public TrainingConfig withRecipe(FacenetRecipe recipe) {
    Properties p = recipe.toProperties();
    java.util.Map<String, String> changes = new java.util.HashMap<>();
    for (String k : FacenetRecipe.KEYS) changes.put(k, p.getProperty(k));
    return withChanges(changes);
  }

  /**
   * These settings with some of their run.properties entries replaced ({@code key -> value}; a null value removes an
   * optional entry such as {@code learning_rate_schedule_file}): the one way to derive a changed copy.
   */
  public TrainingConfig withChanges(java.util.Map<String, String> changes) {
    Properties p = toProperties();
    changes.forEach((k, v) -> {
      if (v == null) p.remove(k);
      else p.setProperty(k, v);
    });
    return fromProperties(p);
  }

  /** These settings as run.properties entries (what {@link #save} writes). */
  public Properties toProperties() {
    Properties p = new Properties();
    model.store(p);
    p.setProperty("loss", loss);
    lossOptions.store(p);
    p.setProperty("people_per_batch", Integer.toString(peoplePerBatch));
    p.setProperty("images_per_person", Integer.toString(imagesPerPerson));
    p.setProperty("data_dir", dataDir.toAbsolutePath().toString());
    p.setProperty("min_images_per_class", Integer.toString(minImagesPerClass));
    p.setProperty("optimizer", optimizer.name());
    p.setProperty("learning_rate", Double.toString(learningRate));
    if (scheduleFile != null) p.setProperty("learning_rate_schedule_file", scheduleFile.toAbsolutePath().toString());
    p.setProperty("max_epochs", Integer.toString(maxEpochs));
    p.setProperty("epoch_size", Integer.toString(epochSize));
    p.setProperty("batch_size", Integer.toString(batchSize));
    p.setProperty("seed", Long.toString(seed));
    p.setProperty("random_crop", Boolean.toString(augmentation.randomCrop()));
    p.setProperty("random_flip", Boolean.toString(augmentation.flip()));
    p.setProperty("random_rotate", Float.toString(augmentation.maxRotationDegrees()));
    p.setProperty("checkpoint_every", Integer.toString(checkpointEvery));
    if (pairsFile != null) {
      p.setProperty("pairs_file", pairsFile.toAbsolutePath().toString());
      p.setProperty("pairs_dir", pairsDir.toAbsolutePath().toString());
    }
    p.setProperty("tf_threads", Integer.toString(tfThreads));
    p.setProperty("input_threads", Integer.toString(inputThreads));
    p.setProperty("xla", Boolean.toString(xla));
    p.setProperty("eval_every", Integer.toString(evalEvery));
    p.setProperty("precision", precision.name());
    p.putAll(recipe.toProperties());
    imageCache.put(p);
    return p;
  }

  public void save(Path file) throws IOException {
    Properties p = toProperties();
    AtomicFiles.write(file, out -> {
      try (Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8)) {
        p.store(w, "facenet-java training run");
      }
    });
  }

  public static TrainingConfig load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": not a training run (run.properties missing)");
    Properties p = new Properties();
    try (Reader r = TextFiles.reader(file)) {
      p.load(r);
    }
    try {
      return fromProperties(p);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": cannot read the run settings: " + e.getMessage(), e);
    }
  }

  /** The settings that {@code p} (run.properties entries) describes. */
  public static TrainingConfig fromProperties(Properties p) {
    {
      String schedule = p.getProperty("learning_rate_schedule_file");
      String pairs = p.getProperty("pairs_file");
      return new TrainingConfig(ModelSpec.load(p), p.getProperty("loss"), LossOptions.load(p),
          Path.of(p.getProperty("data_dir")),
          Integer.parseInt(p.getProperty("min_images_per_class")), OptimizerKind.valueOf(p.getProperty("optimizer")),
          Double.parseDouble(p.getProperty("learning_rate")), schedule == null ? null : Path.of(schedule),
          Integer.parseInt(p.getProperty("max_epochs")), Integer.parseInt(p.getProperty("epoch_size")),
          Integer.parseInt(p.getProperty("batch_size")), Long.parseLong(p.getProperty("seed")),
          new Augmentation(Boolean.parseBoolean(p.getProperty("random_crop")),
              Boolean.parseBoolean(p.getProperty("random_flip")), Float.parseFloat(p.getProperty("random_rotate"))),
          Integer.parseInt(p.getProperty("checkpoint_every")), pairs == null ? null : Path.of(pairs),
          pairs == null ? null : Path.of(p.getProperty("pairs_dir")), Integer.parseInt(p.getProperty("tf_threads")),
          Integer.parseInt(p.getProperty("input_threads")), Integer.parseInt(p.getProperty("people_per_batch")),
          Integer.parseInt(p.getProperty("images_per_person")), Boolean.parseBoolean(p.getProperty("xla", "false")),
          Integer.parseInt(p.getProperty("eval_every", "0")),
          Precision.valueOf(p.getProperty("precision", Precision.FLOAT32.name())), FacenetRecipe.load(p),
          ImageCacheSettings.load(p));
    }
  }
}
