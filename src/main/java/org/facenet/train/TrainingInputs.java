package org.facenet.train;

import java.io.IOException;
import java.util.function.Consumer;
import org.facenet.data.ImageDataset;
import org.facenet.data.PersonBatchSampler;
import org.facenet.eval.PairsEvaluation;
import org.facenet.loss.Loss;
import org.facenet.loss.Losses;

/**
 * Everything a run reads before it starts, each checked: the loss, the learning-rate schedule (parsed), the data set
 * (listed, and enough identities for the loss), the validation split, the held-out pairs file (read), and the memory
 * a batch needs at this image size. {@link Trainer} builds it before it creates anything, so a start that fails
 * leaves nothing behind.
 *
 * @param dataset    the images trained on (without the validation split's)
 * @param validation the validation split's images with the same classes, or null
 * @param heldOut    the held-out pairs, or null without a pairs file
 */
public record TrainingInputs(TrainingConfig config, Loss loss, LearningRateSchedule schedule, ImageDataset dataset,
    ImageDataset validation, PairsEvaluation.HeldOutPairs heldOut) {

  /** Checks {@code config}'s inputs; every problem is an IllegalArgumentException or IOException naming it. */
  public static TrainingInputs check(TrainingConfig config, Consumer<String> log) throws IOException {
    Loss loss = Losses.create(config.loss(), config.lossOptions());
    LearningRateSchedule schedule = config.schedule();
    ImageDataset all = ImageDataset.scan(config.dataDir(), config.minImagesPerClass());
    checkIdentities(all, loss, config);
    ValidationSplit split = ValidationSplit.of(all, config.recipe(), config.seed());
    if (split.validation() != null) {
      log.accept(String.format("validation split: %d of %d images of %d identities held out (ratio %s)",
          split.validation().images().size(), all.images().size(), split.identities(),
          config.recipe().validationSetSplitRatio()));
      checkIdentities(split.training(), loss, config);
    }
    PairsEvaluation.HeldOutPairs heldOut = config.pairsFile() == null ? null
        : PairsEvaluation.HeldOutPairs.read(config.pairsFile(), config.pairsDir());
    MemoryEstimate.check(config);
    return new TrainingInputs(config, loss, schedule, split.training(), split.validation(), heldOut);
  }

  /**
   * A classification loss needs two identities at least (one trains at loss 0); a metric loss needs
   * --people-per-batch identities with two images or more.
   */
  static void checkIdentities(ImageDataset dataset, Loss loss, TrainingConfig config) {
    if (loss.needsIdentityBatches()) PersonBatchSampler.check(dataset, config.peoplePerBatch(), config.imagesPerPerson());
    else dataset.checkForClassification();
  }

}
