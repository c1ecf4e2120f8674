package org.facenet.progress;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One line of a live progress display, fitted to the terminal's width: fields in display order, each with renderings
 * from the fullest to the shortest (an empty one drops the field) and a priority. While the line is too wide, the
 * least important field shrinks one rendering at a time, down to its last, before the next one (among equal
 * priorities the rightmost first); a line that still does not fit is cut. The last column stays free, so that a terminal never wraps the line (a wrapped line makes every redraw add a
 * line).
 */
public final class ProgressLine {

  /** A field: {@code renderings[0]} the full text, later ones shorter; priority 0 is shrunk last. */
  public record Field(int priority, String... renderings) {
    public Field {
      if (renderings.length == 0) throw new IllegalArgumentException("a field needs a rendering");
    }
  }

  /** The width assumed when the terminal's cannot be read. */
  public static final int DEFAULT_WIDTH = 80;

  private ProgressLine() {}

  /** The fields joined by two spaces, fitted into {@code width} columns ({@code width - 1} characters at most). */
  public static String fit(int width, List<Field> fields) {
    int max = Math.max(1, width - 1);
    int[] at = new int[fields.size()];
    String line = join(fields, at);
    Integer[] order = new Integer[fields.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    // least important first; among equals, the rightmost first
    Arrays.sort(order, (a, b) -> fields.get(a).priority() != fields.get(b).priority()
        ? Integer.compare(fields.get(b).priority(), fields.get(a).priority()) : Integer.compare(b, a));
    for (int i : order) {
      while (line.length() > max && at[i] + 1 < fields.get(i).renderings().length) {
        at[i]++;
        line = join(fields, at);
      }
      if (line.length() <= max) return line;
    }
    return line.length() <= max ? line : line.substring(0, max);
  }

  private static String join(List<Field> fields, int[] at) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      String s = fields.get(i).renderings()[at[i]];
      if (s.isEmpty()) continue;
      if (sb.length() > 0) sb.append("  ");
      sb.append(s);
    }
    return sb.toString();
  }

  /** A bar field of {@code fraction} done: 20 and 10 cells wide, then dropped. */
  public static Field bar(int priority, double fraction) {
    return new Field(priority, bar(fraction, 20), bar(fraction, 10), "");
  }

  static String bar(double fraction, int cells) {
    double f = Double.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
    int filled = (int) Math.round(cells * f);
    return "[" + "=".repeat(filled) + " ".repeat(cells - filled) + "]";
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour. */
  public static String duration(double seconds) {
    long s = Math.round(Math.max(0, seconds));
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /** A rate such as {@code 85.3 img/s} (one decimal below 100, none above) and a shorter form without the unit. */
  public static String[] rate(double perSecond, String unit) {
    String n = perSecond >= 100 ? String.format(Locale.ROOT, "%,.0f", perSecond)
        : String.format(Locale.ROOT, "%.1f", perSecond);
    return new String[] {n + " " + unit + "/s", n + "/s"};
  }

  /** Whether standard output is an interactive terminal (and not a CI log). */
  public static boolean stdoutIsTerminal() {
    return System.console() != null && System.getenv("CI") == null;
  }

  /**
   * The terminal's width in columns: {@code $COLUMNS} when set (shells set it but seldom export it), else what
   * {@code stty size} says about {@code /dev/tty} (one short process, read once at start), else {@value #DEFAULT_WIDTH}.
   */
  public static int terminalWidth() {
    Integer columns = parseColumns(System.getenv("COLUMNS"));
    if (columns != null) return columns;
    File tty = new File("/dev/tty");
    if (!tty.exists()) return DEFAULT_WIDTH;
    try {
      Process p = new ProcessBuilder("stty", "size").redirectInput(tty).redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(2, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return DEFAULT_WIDTH;
      }
      String[] rowsCols = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+");
      Integer w = rowsCols.length == 2 ? parseColumns(rowsCols[1]) : null;
      return w != null ? w : DEFAULT_WIDTH;
    } catch (IOException e) {
      return DEFAULT_WIDTH;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DEFAULT_WIDTH;
    }
  }

  static Integer parseColumns(String s) {
    if (s == null) return null;
    try {
      int w = Integer.parseInt(s.trim());
      return w >= 10 && w <= 10_000 ? w : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
