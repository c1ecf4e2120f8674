package org.facenet.data;

import java.nio.file.Path;

/** A malformed pairs file; the message names the file and line. */
public class PairsFormatException extends IllegalArgumentException {

  public PairsFormatException(Path file, int line, String problem) {
    super(file + ":" + line + ": " + problem);
  }
}
