package org.facenet.progress;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a task of {@code total} items (images embedded, pairs' images, neighbour-search blocks): on a terminal
 * a live line redrawn in place at most four times a second and fitted to its width ({@link ProgressLine}): bar,
 * done/total, percent, rate, elapsed time and ETA; otherwise (a file, a pipe, CI) a plain line at most every
 * {@code interval} seconds and one at the end. Thread-safe; {@link #update} may be called from any thread.
 *
 * <pre>{@code
 * Progress p = Progress.onStdout("embedding", files.size(), "img");
 * ... p.update(done); ...
 * p.finish();
 * }</pre>
 */
public final class Progress implements ProgressListener {

  private final PrintStream out;
  private final boolean terminal;
  private final int width;
  private final String what;
  private long total;
  private final String unit;
  private final double intervalSeconds;
  private final LongSupplier clock;
  private final long start;
  private long lastPrint;
  private boolean started;
  private long done;
  private boolean drawn;
  private boolean plainPrinted;
  private boolean finished;

  /**
   * @param terminal redraw one line in place (else plain lines)
   * @param width the terminal's columns ({@link ProgressLine#terminalWidth()}); plain lines are not fitted
   * @param what the task, e.g. {@code embedding}
   * @param unit what an item is, for the rate, e.g. {@code img}
   * @param intervalSeconds the least time between two plain lines
   */
  public Progress(PrintStream out, boolean terminal, int width, String what, long total, String unit,
      double intervalSeconds) {
    this(out, terminal, width, what, total, unit, intervalSeconds, System::nanoTime);
  }

  Progress(PrintStream out, boolean terminal, int width, String what, long total, String unit, double intervalSeconds,
      LongSupplier clock) {
    this.out = out;
    this.terminal = terminal;
    this.width = width;
    this.what = what;
    this.total = Math.max(0, total);
    this.unit = unit;
    this.intervalSeconds = intervalSeconds;
    this.clock = clock;
    this.start = clock.getAsLong();
  }

  /** On standard output: live on a terminal (its width read once, now), else a plain line every 10 s. */
  public static Progress onStdout(String what, long total, String unit) {
    boolean terminal = ProgressLine.stdoutIsTerminal();
    return new Progress(System.out, terminal, terminal ? ProgressLine.terminalWidth() : ProgressLine.DEFAULT_WIDTH,
        what, total, unit, 10.0);
  }

  /** Records that {@code done} of the items are done (a count, not an increment); prints when it is time. */
  public synchronized void update(long done) {
    if (finished) return;
    this.done = Math.max(this.done, Math.min(done, total));
    long now = clock.getAsLong();
    if (!started) {
      started = true;
      lastPrint = now;
      if (!terminal && this.done < total) return; // plain lines: the first after one interval, not at once
      print(now);
      return;
    }
    boolean last = this.done >= total;
    if (!(terminal && last) && (now - lastPrint) / 1e9 < (terminal ? 0.25 : intervalSeconds)) return;
    print(now);
  }

  /** {@code done} of {@code total} (which replaces the total given at the start). */
  @Override
  public synchronized void progress(long done, long total) {
    this.total = Math.max(0, total);
    update(done);
  }

  /** Prints the final state (the live line then ends with a newline). Later updates are ignored. */
  public synchronized void finish() {
    if (finished) return;
    finished = true;
    if (terminal) {
      print(clock.getAsLong());
      out.println();
    } else if (plainPrinted) {
      print(clock.getAsLong()); // a task that printed periodic lines ends with one; a short one prints none
    }
    out.flush();
  }

  /** Prints {@code text} on its own line to {@code stream} (e.g. a warning on stderr) without breaking the live line. */
  public synchronized void message(PrintStream stream, String text) {
    if (drawn) {
      out.print("\r\u001b[K");
      out.flush();
      drawn = false;
      // the line comes back at the next update a quarter second from now: by then the message, which may pass
      // through the launcher's stderr filter, is out, and the line is not drawn after it on the same row
      lastPrint = clock.getAsLong();
    }
    stream.println(text);
    stream.flush();
  }

  private void print(long now) {
    lastPrint = now;
    double elapsed = (now - start) / 1e9;
    if (terminal) {
      out.print("\r" + line(done, elapsed) + "\u001b[K");
      drawn = true;
    } else {
      out.println(plain(done, elapsed));
      plainPrinted = true;
    }
    out.flush();
  }

  /** The live line for {@code done} items after {@code elapsed} seconds, fitted to the width. */
  String line(long done, double elapsed) {
    double fraction = total > 0 ? (double) done / total : 0;
    double rate = elapsed > 0 ? done / elapsed : 0;
    String count = String.format(Locale.ROOT, "%,d/%,d", done, total);
    String[] r = ProgressLine.rate(rate, unit);
    return ProgressLine.fit(width, List.of(
        ProgressLine.bar(3, fraction),
        new ProgressLine.Field(0, what + " " + count, count),
        new ProgressLine.Field(4, String.format(Locale.ROOT, "%.0f%%", 100 * fraction), ""),
        new ProgressLine.Field(2, r[0], r[1], ""),
        new ProgressLine.Field(2, "elapsed " + ProgressLine.duration(elapsed), ""),
        new ProgressLine.Field(1, "ETA " + eta(done, elapsed), eta(done, elapsed))));
  }

  /** A plain line (logs): everything, not fitted. */
  String plain(long done, double elapsed) {
    double fraction = total > 0 ? (double) done / total : 0;
    return String.format(Locale.ROOT, "%s %,d/%,d (%.0f%%)  %s  elapsed %s  ETA %s", what, done, total, 100 * fraction,
        ProgressLine.rate(elapsed > 0 ? done / elapsed : 0, unit)[0], ProgressLine.duration(elapsed), eta(done, elapsed));
  }

  private String eta(long done, double elapsed) {
    if (done >= total) return ProgressLine.duration(0);
    if (done <= 0 || elapsed <= 0) return "?";
    return ProgressLine.duration((total - done) * elapsed / done);
  }
}
