package org.facenet.train;

import java.nio.file.Path;

/** A run stopped on request ({@link StopRequest}) after saving a checkpoint at its current step: it can be resumed. */
public final class TrainingInterruptedException extends RuntimeException {

  private final String reason;
  private final long step;
  private final Path runDir;

  public TrainingInterruptedException(String reason, long step, Path runDir) {
    super("interrupted at step " + step + "; resume with --resume " + runDir);
    this.reason = reason;
    this.step = step;
    this.runDir = runDir;
  }

  /** What asked to stop, e.g. "SIGINT". */
  public String reason() {
    return reason;
  }

  public long step() {
    return step;
  }

  public Path runDir() {
    return runDir;
  }
}
