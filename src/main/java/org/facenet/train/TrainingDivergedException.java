package org.facenet.train;

/** The loss became NaN or infinite; the run stopped and kept its last good checkpoint. */
public final class TrainingDivergedException extends RuntimeException {

  public TrainingDivergedException(String message) {
    super(message);
  }
}
