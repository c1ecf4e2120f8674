package org.facenet.data;

import java.io.IOException;
import java.nio.file.Path;

/** {@link TestImages}' decompression bomb for tests outside this package. */
public final class TestImagesAccess {

  private TestImagesAccess() {}

  /** A valid 1-bit PNG of 23000 x 23000 pixels (under 300 KB on disk, 1.5 GB decoded to RGB). */
  public static Path bomb(Path file) throws IOException {
    return TestImages.bombPng(file, 23000);
  }
}
