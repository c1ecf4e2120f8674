package org.facenet.cli;

import org.facenet.data.ImageHeader;
import picocli.CommandLine.Option;

/** {@code --max-image-pixels}, shared by every command that decodes image files (train, embed, verify). */
final class ImageLimitOption {

  @Range(min = 1)
  @Option(names = "--max-image-pixels", paramLabel = "N", defaultValue = "" + ImageHeader.DEFAULT_MAX_PIXELS,
      description = "Skip (name and count) an image whose header says it has more than N pixels, before decoding it: "
          + "a decompression bomb (a 1.5 MB PNG of 23000 x 23000) would take gigabytes (default: ${DEFAULT-VALUE}, "
          + "Pillow's limit).")
  long maxImagePixels;

  long get() {
    return maxImagePixels;
  }
}
