package org.facenet.train.schedule;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as a user types them: {@code 90s}, {@code 10m}, {@code 2h}, {@code 1h30m}, {@code 1.5h}. */
public final class Durations {

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)([hms])");

  private Durations() {}

  /** Parses {@code text}; anything else is an IllegalArgumentException naming it. */
  public static Duration parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    Matcher m = PART.matcher(s);
    double seconds = 0;
    int at = 0;
    String last = "";
    while (at < s.length() && m.find(at) && m.start() == at) {
      String unit = m.group(2);
      if ("hms".indexOf(unit) <= "hms".indexOf(last) && !last.isEmpty()) break;
      double v = Double.parseDouble(m.group(1));
      seconds += v * switch (unit) {
        case "h" -> 3600;
        case "m" -> 60;
        default -> 1;
      };
      last = unit;
      at = m.end();
    }
    if (s.isEmpty() || at != s.length()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration: give e.g. 90s, 10m, 2h or 1h30m");
    }
    if (!(seconds >= 1)) throw new IllegalArgumentException("'" + text + "': a duration of 1 s or more is needed");
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  /** 90 s -> "1m30s", 600 s -> "10m", 7200 s -> "2h". */
  public static String format(Duration d) {
    long s = Math.round(d.toMillis() / 1000.0);
    StringBuilder sb = new StringBuilder();
    if (s >= 3600) sb.append(s / 3600).append('h');
    if (s % 3600 >= 60) sb.append(s % 3600 / 60).append('m');
    if (s % 60 > 0 || sb.length() == 0) sb.append(s % 60).append('s');
    return sb.toString();
  }
}
