package org.facenet.train;

import java.nio.file.Path;

/**
 * What a finished run produced.
 *
 * @param stopReason    why the loop ended ("max epochs", "schedule", ...)
 * @param skippedImages images skipped as unreadable during the run
 * @param exportCheckpoint the checkpoint to export: {@code checkpoint}, or with --moving-average-decay the one holding
 *                      the averaged weights ({@code RUN/averaged/model}) when they verify the held-out pairs better
 * @param weights       which weights {@code exportCheckpoint} holds: {@link #TRAINED} or {@link #MOVING_AVERAGE}
 */
public record TrainingResult(Path runDir, long firstStep, long lastStep, double lastLoss, Path checkpoint,
    String stopReason, long skippedImages, double imagesPerSecond, double seconds, Path exportCheckpoint,
    String weights) {

  public static final String TRAINED = "trained";
  public static final String MOVING_AVERAGE = "moving-average";

  public TrainingResult(Path runDir, long firstStep, long lastStep, double lastLoss, Path checkpoint,
      String stopReason, long skippedImages, double imagesPerSecond, double seconds, Path exportCheckpoint) {
    this(runDir, firstStep, lastStep, lastLoss, checkpoint, stopReason, skippedImages, imagesPerSecond, seconds,
        exportCheckpoint, exportCheckpoint.equals(checkpoint) ? TRAINED : MOVING_AVERAGE);
  }

  public TrainingResult(Path runDir, long firstStep, long lastStep, double lastLoss, Path checkpoint,
      String stopReason, long skippedImages, double imagesPerSecond, double seconds) {
    this(runDir, firstStep, lastStep, lastLoss, checkpoint, stopReason, skippedImages, imagesPerSecond, seconds,
        checkpoint);
  }
}
