package org.facenet.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.facenet.io.TextFiles;

/**
 * A run's {@code classes.txt}: the class folder names in label order, UTF-8. The first line is {@value #HEADER};
 * then one name a line with {@code \\} for a backslash, {@code \n} for a newline and {@code \r} for a carriage
 * return, so that any folder name round-trips. A file without the header (as runs before it wrote) is read as one
 * name a line, unescaped.
 */
public final class ClassesFile {

  static final String HEADER = "# facenet-java classes v2: one class folder name a line, in label order;"
      + " \\\\ is a backslash, \\n a newline, \\r a carriage return";

  private ClassesFile() {}

  public static void write(Path file, List<String> classes) throws IOException {
    List<String> lines = new ArrayList<>(classes.size() + 1);
    lines.add(HEADER);
    for (String c : classes) lines.add(escape(c));
    TextFiles.writeLines(file, lines);
  }

  /** The names; a malformed escape is an IllegalArgumentException naming the file and line. */
  public static List<String> read(Path file) throws IOException {
    List<String> lines = TextFiles.readLines(file);
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) return lines;
    List<String> classes = new ArrayList<>(lines.size() - 1);
    for (int i = 1; i < lines.size(); i++) classes.add(unescape(lines.get(i), file, i + 1));
    return classes;
  }

  static String escape(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (char c : name.toCharArray()) {
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  static String unescape(String line, Path file, int lineNumber) {
    StringBuilder sb = new StringBuilder(line.length());
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char n = ++i < line.length() ? line.charAt(i) : 0;
      switch (n) {
        case '\\' -> sb.append('\\');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        default -> throw new IllegalArgumentException(file + ":" + lineNumber + ": a backslash must be followed by"
            + " \\, n or r, got '" + line + "'");
      }
    }
    return sb.toString();
  }
}
