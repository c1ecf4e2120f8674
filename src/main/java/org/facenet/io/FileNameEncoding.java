package org.facenet.io;

import java.util.Optional;

/**
 * The JVM decodes file names with the charset of the locale it was started under ({@code sun.jnu.encoding}): under
 * {@code LANG=C} a folder "José" reads as "Jos\uFFFD\uFFFD", and no setting inside a running JVM changes that. The
 * launchers in tools/ start Java under a UTF-8 locale; a program started another way gets this warning.
 */
public final class FileNameEncoding {

  private FileNameEncoding() {}

  /** A warning if this JVM does not read file names as UTF-8. */
  public static Optional<String> warning() {
    return warning(System.getProperty("sun.jnu.encoding"));
  }

  static Optional<String> warning(String encoding) {
    if (encoding == null || encoding.equalsIgnoreCase("UTF-8") || encoding.equalsIgnoreCase("UTF8")) {
      return Optional.empty();
    }
    return Optional.of("warning: this JVM reads file names as " + encoding + " (the locale's charset), so names that "
        + "are not ASCII come out garbled; run it under a UTF-8 locale, e.g. LC_ALL=C.UTF-8 (tools/facenet does)");
  }
}
