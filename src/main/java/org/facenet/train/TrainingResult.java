package org.facenet.train;

import java.nio.file.Path;

/**
 * What a finished run produced.
 *
 * @param stopReason    why the loop ended ("max epochs", "schedule", ...)
 * @param skippedImages images skipped as unreadable during the run
 */
public record TrainingResult(Path runDir, long firstStep, long lastStep, double lastLoss, Path checkpoint,
    String stopReason, long skippedImages, double imagesPerSecond, double seconds) {}
