package org.facenet.train;

/** A distributed run stopped because another worker died, could not be reached, or did not answer in time. */
public final class ReplicaFailureException extends RuntimeException {
  public ReplicaFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
