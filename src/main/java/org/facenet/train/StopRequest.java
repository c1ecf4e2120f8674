package org.facenet.train;

/**
 * Asks a running {@link Trainer} to stop after the step it is running: it then saves a checkpoint at that step and
 * throws {@link TrainingInterruptedException}. {@link SignalStop} asks on SIGINT/SIGTERM; a program can pass its own.
 */
@FunctionalInterface
public interface StopRequest {

  /** Never asks. */
  StopRequest NEVER = () -> null;

  /** Why to stop (e.g. "SIGINT"), or null to go on; polled by the training thread between steps. */
  String reason();
}
