package org.facenet.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file read as text holds a byte sequence that is not UTF-8: "FILE is not UTF-8 text (line N, byte B)". */
public final class NotUtf8TextException extends IOException {

  private final transient Path file;

  NotUtf8TextException(Path file, String where) {
    super(file + " is not UTF-8 text" + (where == null ? "" : " (" + where + ")")
        + "; text files are read as UTF-8 (a byte-order mark is allowed)");
    this.file = file;
  }

  /** The file that is not UTF-8. */
  public Path file() {
    return file;
  }
}
