package org.facenet.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.facenet.io.TextFiles;

/**
 * The learning rate as a function of the epoch: a constant, or facenet's schedule file of lines
 * {@code epoch: lr} ({@code #} starts a comment; the rate of the last line whose epoch is <= the
 * current epoch applies; a rate of -1 stops training).
 */
public final class LearningRateSchedule {

  /** One line of a schedule file. */
  public record Entry(int epoch, double rate) {}

  private final List<Entry> entries;
  private final String source;
  private final int decayEpochs;
  private final double decayFactor;

  private LearningRateSchedule(List<Entry> entries, String source) {
    this(entries, source, 0, 1);
  }

  private LearningRateSchedule(List<Entry> entries, String source, int decayEpochs, double decayFactor) {
    this.entries = List.copyOf(entries);
    this.source = source;
    this.decayEpochs = decayEpochs;
    this.decayFactor = decayFactor;
  }

  /**
   * This schedule with facenet's exponential staircase decay on top (train_softmax.py's
   * {@code exponential_decay(lr, global_step, decay_epochs * epoch_size, factor, staircase=True)}):
   * {@code rate(epoch) * factor^floor(epoch / decayEpochs)}; a stop (-1) stays a stop.
   */
  public LearningRateSchedule withDecay(int decayEpochs, double factor) {
    if (decayEpochs < 1) throw new IllegalArgumentException("decay epochs must be >= 1, got " + decayEpochs);
    if (!(factor > 0 && factor <= 1)) throw new IllegalArgumentException("decay factor must be in (0, 1], got " + factor);
    return new LearningRateSchedule(entries, source, decayEpochs, factor);
  }

  public static LearningRateSchedule constant(double rate) {
    if (!(rate > 0) || Double.isInfinite(rate)) throw new IllegalArgumentException("learning rate must be > 0, got " + rate);
    return new LearningRateSchedule(List.of(new Entry(0, rate)), "constant " + rate);
  }

  /** Parses a schedule file; every problem is an IllegalArgumentException naming the file and line. */
  public static LearningRateSchedule parse(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": learning-rate schedule file not found");
    List<String> lines = TextFiles.readLines(file);
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      if (hash >= 0) line = line.substring(0, hash);
      line = line.strip();
      if (line.isEmpty()) continue;
      String where = file + ":" + (i + 1) + ": ";
      String[] parts = line.split(":", -1);
      if (parts.length != 2) throw new IllegalArgumentException(where + "expected 'epoch: learning_rate', got '" + line + "'");
      int epoch;
      double rate;
      try {
        epoch = Integer.parseInt(parts[0].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + "epoch '" + parts[0].strip() + "' is not a whole number");
      }
      try {
        rate = Double.parseDouble(parts[1].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + "learning rate '" + parts[1].strip() + "' is not a number");
      }
      if (epoch < 0) throw new IllegalArgumentException(where + "epoch must be >= 0, got " + epoch);
      if (!(rate > 0 || rate == -1) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException(where + "learning rate must be > 0 (or -1 to stop), got " + parts[1].strip());
      }
      if (!entries.isEmpty() && epoch <= entries.get(entries.size() - 1).epoch()) {
        throw new IllegalArgumentException(where + "epochs must increase; " + epoch + " follows "
            + entries.get(entries.size() - 1).epoch());
      }
      entries.add(new Entry(epoch, rate));
    }
    if (entries.isEmpty()) throw new IllegalArgumentException(file + ": the schedule has no 'epoch: learning_rate' line");
    if (entries.get(0).epoch() != 0) {
      throw new IllegalArgumentException(file + ": the schedule must start at epoch 0, starts at " + entries.get(0).epoch());
    }
    return new LearningRateSchedule(entries, file.toString());
  }

  /** The rate for {@code epoch}, or -1 when training should stop. */
  public double rate(int epoch) {
    double rate = entries.get(0).rate();
    for (Entry e : entries) {
      if (e.epoch() <= epoch) rate = e.rate();
      else break;
    }
    if (rate < 0 || decayEpochs == 0) return rate;
    return rate * Math.pow(decayFactor, Math.floorDiv(epoch, decayEpochs));
  }

  public boolean stopsAt(int epoch) {
    return rate(epoch) < 0;
  }

  public List<Entry> entries() {
    return entries;
  }

  @Override
  public String toString() {
    return decayEpochs == 0 ? source : source + " x " + decayFactor + "^floor(epoch / " + decayEpochs + ")";
  }
}
