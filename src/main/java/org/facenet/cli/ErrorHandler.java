package org.facenet.cli;

import java.io.IOException;
import org.facenet.train.TrainingDivergedException;
import picocli.CommandLine;

/**
 * Turns the library's exceptions into one clear line on stderr and an exit code: bad input (a missing file,
 * a malformed schedule, an empty data set) is 2, a diverged run 3, a distributed run that lost a worker 4; anything unexpected keeps its stack trace.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

  static final int BAD_INPUT = 2;
  static final int DIVERGED = 3;
  static final int REPLICA_FAILED = org.facenet.train.ReplicaFailureException.EXIT_CODE;

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    if (e instanceof TrainingDivergedException) {
      cmd.getErr().println("error: " + e.getMessage());
      return DIVERGED;
    }
    if (e instanceof org.facenet.train.ReplicaFailureException) {
      cmd.getErr().println("error: " + e.getMessage());
      return REPLICA_FAILED;
    }
    if (e instanceof IllegalArgumentException || e instanceof IOException) {
      cmd.getErr().println("error: " + e.getMessage());
      return BAD_INPUT;
    }
    cmd.getErr().println("error: unexpected failure");
    e.printStackTrace(cmd.getErr());
    return 1;
  }
}
