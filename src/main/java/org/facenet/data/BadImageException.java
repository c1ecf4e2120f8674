package org.facenet.data;

import java.nio.file.Path;

/** One image that cannot be read; the run skips it and counts it. The message names the file and the problem. */
public class BadImageException extends Exception {

  private final transient Path path;

  public BadImageException(Path path, String problem) {
    super(path + ": " + problem);
    this.path = path;
  }

  public BadImageException(Path path, String problem, Throwable cause) {
    super(path + ": " + problem, cause);
    this.path = path;
  }

  public Path path() {
    return path;
  }
}
