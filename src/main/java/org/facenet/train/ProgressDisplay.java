package org.facenet.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Training progress: a live bar redrawn in place on a terminal (step, loss, accuracy, lr, images/s,
 * ETA), plain lines at most every {@code interval} seconds when output goes to a file or pipe.
 */
public final class ProgressDisplay {

  private final PrintStream out;
  private final boolean terminal;
  private final long totalSteps;
  private final double intervalSeconds;
  private final long startNanos = System.nanoTime();
  private long lastPrintNanos;
  private long firstStep = -1;
  private long excludedNanos;
  private long images;
  private boolean dirty;

  public ProgressDisplay(PrintStream out, boolean terminal, long totalSteps, double intervalSeconds) {
    this.out = out;
    this.terminal = terminal;
    this.totalSteps = totalSteps;
    this.intervalSeconds = intervalSeconds;
  }

  /** Whether standard output is an interactive terminal. */
  public static boolean stdoutIsTerminal() {
    return System.console() != null && System.getenv("CI") == null;
  }

  /** Records step {@code step} (1-based, after the update) of {@code batch} images. */
  public void update(long step, int batch, double loss, Map<String, Double> diagnostics, double lr) {
    if (firstStep < 0) firstStep = step - 1;
    images += batch;
    long now = System.nanoTime();
    double sinceLast = (now - lastPrintNanos) / 1e9;
    boolean last = step >= totalSteps;
    if (!last && sinceLast < (terminal ? 0.25 : intervalSeconds) && lastPrintNanos != 0) return;
    lastPrintNanos = now;
    String line = format(step, loss, diagnostics, lr, (now - startNanos - excludedNanos) / 1e9);
    if (terminal) {
      out.print("\r" + line + "\u001b[K");
      dirty = !last;
      if (last) out.println();
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Prints a message on its own line without breaking the bar. */
  public void message(String text) {
    if (dirty) {
      out.println();
      dirty = false;
    }
    out.println(text);
    out.flush();
  }

  /** Leaves {@code nanos} (time spent on something else than training, e.g. an evaluation) out of images/s. */
  public void exclude(long nanos) {
    excludedNanos += nanos;
  }

  /** Training images per second since the start, excluded time left out. */
  public double imagesPerSecond() {
    double s = (System.nanoTime() - startNanos - excludedNanos) / 1e9;
    return s > 0 ? images / s : 0;
  }

  String format(long step, double loss, Map<String, Double> diagnostics, double lr, double elapsed) {
    double rate = elapsed > 0 ? images / elapsed : 0;
    double stepsDone = step - firstStep;
    double eta = stepsDone > 0 ? (totalSteps - step) * elapsed / stepsDone : 0;
    StringBuilder sb = new StringBuilder();
    if (terminal) {
      int width = 20;
      int filled = (int) Math.min(width, Math.round(width * (double) step / Math.max(1, totalSteps)));
      sb.append('[').append("=".repeat(filled)).append(" ".repeat(width - filled)).append("] ");
    }
    sb.append(String.format(Locale.ROOT, "step %d/%d  loss %.4f", step, totalSteps, loss));
    Double acc = diagnostics.get("accuracy");
    if (acc != null) sb.append(String.format(Locale.ROOT, "  acc %.3f", acc));
    sb.append(String.format(Locale.ROOT, "  lr %.2g  %.1f img/s  ETA %s", lr, rate, duration(eta)));
    if (!terminal) {
      // Plain lines (logs, CI) carry every loss term and mining statistic; the bar stays short.
      diagnostics.forEach((name, v) -> {
        if (!name.equals("accuracy")) sb.append(String.format(Locale.ROOT, "  %s %.4g", name, v));
      });
    }
    return sb.toString();
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
