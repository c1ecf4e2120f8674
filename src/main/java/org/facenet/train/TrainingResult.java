package org.facenet.train;

import java.nio.file.Path;

/**
 * What a finished run produced.
 *
 * @param stopReason    why the loop ended ("max epochs", "schedule", ...)
 * @param skippedImages images skipped as unreadable during the run
 * @param exportCheckpoint the checkpoint to export: {@code checkpoint}, or with --moving-average-decay the one holding
 *                      the averaged weights ({@code RUN/averaged/model})
 */
public record TrainingResult(Path runDir, long firstStep, long lastStep, double lastLoss, Path checkpoint,
    String stopReason, long skippedImages, double imagesPerSecond, double seconds, Path exportCheckpoint) {

  public TrainingResult(Path runDir, long firstStep, long lastStep, double lastLoss, Path checkpoint,
      String stopReason, long skippedImages, double imagesPerSecond, double seconds) {
    this(runDir, firstStep, lastStep, lastLoss, checkpoint, stopReason, skippedImages, imagesPerSecond, seconds,
        checkpoint);
  }
}
