package org.facenet.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.facenet.progress.ProgressLine;

/**
 * Training progress: a live line redrawn in place on a terminal (bar, epoch, step, loss, accuracy, lr, images/s,
 * elapsed time, ETA), fitted to the terminal's width by {@link ProgressLine} (fields shortened or dropped, never
 * wrapped); plain lines at most every {@code interval} seconds when output goes to a file or pipe, with every loss
 * term and mining statistic.
 */
public final class ProgressDisplay {

  private final PrintStream out;
  private final boolean terminal;
  private long totalSteps;
  private final double intervalSeconds;
  private final long stepsPerEpoch;
  private final int width;
  private final long startNanos = System.nanoTime();
  private long lastPrintNanos;
  private long firstStep = -1;
  private long excludedNanos;
  private long images;
  private boolean dirty;

  /** Without epochs shown; the width is the terminal's (read once, now). */
  public ProgressDisplay(PrintStream out, boolean terminal, long totalSteps, double intervalSeconds) {
    this(out, terminal, totalSteps, intervalSeconds, 0);
  }

  /** {@code stepsPerEpoch} (0: unknown) shows the epoch; the width is the terminal's (read once, now). */
  public ProgressDisplay(PrintStream out, boolean terminal, long totalSteps, double intervalSeconds, long stepsPerEpoch) {
    this(out, terminal, totalSteps, intervalSeconds, stepsPerEpoch,
        terminal ? ProgressLine.terminalWidth() : ProgressLine.DEFAULT_WIDTH);
  }

  ProgressDisplay(PrintStream out, boolean terminal, long totalSteps, double intervalSeconds, long stepsPerEpoch,
      int width) {
    this.out = out;
    this.terminal = terminal;
    this.totalSteps = totalSteps;
    this.intervalSeconds = intervalSeconds;
    this.stepsPerEpoch = stepsPerEpoch;
    this.width = width;
  }

  /** The run's steps are now {@code total} (a time budget's plan). */
  public void totalSteps(long total) {
    this.totalSteps = total;
  }

  /** Whether standard output is an interactive terminal. */
  public static boolean stdoutIsTerminal() {
    return ProgressLine.stdoutIsTerminal();
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
    String line = format(step, loss, diagnostics, lr, (now - startNanos - excludedNanos) / 1e9, (now - startNanos) / 1e9);
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
      out.print("\r\u001b[K");
      dirty = false;
      lastPrintNanos = 0; // redraw the bar at the next step
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

  /**
   * The line for step {@code step} after {@code trainingSeconds} of training (the rate and ETA) and {@code wallSeconds}
   * since the start (the elapsed time); live lines are fitted to the width.
   */
  String format(long step, double loss, Map<String, Double> diagnostics, double lr, double trainingSeconds,
      double wallSeconds) {
    double rate = trainingSeconds > 0 ? images / trainingSeconds : 0;
    double stepsDone = step - firstStep;
    double eta = stepsDone > 0 ? (totalSteps - step) * trainingSeconds / stepsDone : 0;
    String steps = String.format(Locale.ROOT, "%d/%d", step, totalSteps);
    String epoch = null;
    if (stepsPerEpoch > 0) {
      long epochs = (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch;
      epoch = String.format(Locale.ROOT, "%d/%d", Math.min(epochs, Math.max(1, (step - 1) / stepsPerEpoch + 1)), epochs);
    }
    Double acc = diagnostics.get("accuracy");
    String[] r = ProgressLine.rate(rate, "img");
    String elapsed = ProgressLine.duration(wallSeconds);
    if (!terminal) {
      // Plain lines (logs, CI) carry every loss term and mining statistic; they start with "step N/T".
      StringBuilder sb = new StringBuilder("step " + steps);
      if (epoch != null) sb.append("  epoch ").append(epoch);
      sb.append(String.format(Locale.ROOT, "  loss %.4f", loss));
      if (acc != null) sb.append(String.format(Locale.ROOT, "  acc %.3f", acc));
      sb.append(String.format(Locale.ROOT, "  lr %.2g  %s  elapsed %s  ETA %s", lr, r[0], elapsed,
          ProgressLine.duration(eta)));
      diagnostics.forEach((name, v) -> {
        if (!name.equals("accuracy")) sb.append(String.format(Locale.ROOT, "  %s %.4g", name, v));
      });
      return sb.toString();
    }
    List<ProgressLine.Field> f = new ArrayList<>();
    f.add(ProgressLine.bar(4, (double) step / Math.max(1, totalSteps)));
    if (epoch != null) f.add(new ProgressLine.Field(2, "epoch " + epoch, "ep " + epoch, ""));
    f.add(new ProgressLine.Field(0, "step " + steps, steps));
    f.add(new ProgressLine.Field(0, String.format(Locale.ROOT, "loss %.4f", loss),
        String.format(Locale.ROOT, "loss %.3g", loss)));
    if (acc != null) f.add(new ProgressLine.Field(5, String.format(Locale.ROOT, "acc %.3f", acc), ""));
    f.add(new ProgressLine.Field(6, String.format(Locale.ROOT, "lr %.2g", lr), ""));
    f.add(new ProgressLine.Field(3, r[0], r[1], ""));
    f.add(new ProgressLine.Field(2, "elapsed " + elapsed, ""));
    f.add(new ProgressLine.Field(1, "ETA " + ProgressLine.duration(eta)));
    return ProgressLine.fit(width, f);
  }
}
