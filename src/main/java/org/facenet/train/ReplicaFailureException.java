package org.facenet.train;

/** A distributed run stopped because another worker died, could not be reached, or did not answer in time. */
public final class ReplicaFailureException extends RuntimeException {
  /** The exit code of a command stopped by one. */
  public static final int EXIT_CODE = 4;

  public ReplicaFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
