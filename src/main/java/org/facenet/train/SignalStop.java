package org.facenet.train;

import java.util.LinkedHashMap;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT (Ctrl-C) and SIGTERM as a {@link StopRequest}: the first one only records itself, so the training thread
 * finishes its step, saves a checkpoint and exits cleanly; a second one halts the JVM at once with the signal's exit
 * code (128 + its number: 130 for INT, 143 for TERM). {@link #close()} puts the previous handlers back.
 */
public final class SignalStop implements StopRequest, AutoCloseable {

  private static final Map<String, Integer> NUMBERS = Map.of("INT", 2, "TERM", 15);

  private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
  private volatile String received;

  private SignalStop() {}

  /** Installs the handlers for INT and TERM. */
  public static SignalStop install() {
    SignalStop stop = new SignalStop();
    for (String name : NUMBERS.keySet()) {
      Signal signal = new Signal(name);
      try {
        SignalHandler old = Signal.handle(signal, stop::handle);
        if (old == SignalHandler.SIG_IGN) Signal.handle(signal, old); // ignored by the parent (nohup, a script's &): keep it so
        else stop.previous.put(signal, old);
      } catch (IllegalArgumentException e) {
        // the JVM keeps this signal (-Xrs): the run then ends as the JVM decides, without a checkpoint
      }
    }
    return stop;
  }

  /** The exit code conventional for a process ended by {@code reason} ("SIGINT": 130, "SIGTERM": 143). */
  public static int exitCode(String reason) {
    Integer n = reason == null ? null : NUMBERS.get(reason.replaceFirst("^SIG", ""));
    return n == null ? 1 : 128 + n;
  }

  private void handle(Signal signal) {
    if (received != null) {
      System.err.println("\nsecond SIG" + signal.getName() + ": aborting without a checkpoint");
      Runtime.getRuntime().halt(128 + signal.getNumber());
    }
    received = "SIG" + signal.getName();
    System.err.println("\nSIG" + signal.getName() + ": saving a checkpoint after this step (again to abort at once)");
  }

  @Override
  public String reason() {
    return received;
  }

  @Override
  public void close() {
    previous.forEach(Signal::handle);
  }
}
