package org.facenet.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * An image file's width and height read from its header (PNG IHDR, JPEG SOF, GIF, BMP) by ImageIO's readers,
 * without decoding a pixel, and the decompression-bomb check done with them before any decoder allocates the image.
 */
public record ImageHeader(int width, int height) {

  /** The default of {@code --max-image-pixels}: Pillow's {@code MAX_IMAGE_PIXELS} (about 89 M pixels, 0.25 GB RGB). */
  public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

  public long pixels() {
    return (long) width * height;
  }

  /** The size in the header of the image in {@code bytes}; empty when no ImageIO reader recognises or parses it. */
  public static Optional<ImageHeader> read(byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      if (in == null) return Optional.empty();
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) return Optional.empty();
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return Optional.of(new ImageHeader(reader.getWidth(0), reader.getHeight(0)));
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // a header ImageIO cannot parse: the decoder then reports the file as corrupt
    }
  }

  /**
   * Refuses an image of more than {@code maxPixels} pixels, naming the file, its size and the limit:
   * "FILE: 23000x23000 = 529 M pixels is over --max-image-pixels 89478485".
   */
  public static void checkPixels(Path file, int width, int height, long maxPixels) throws BadImageException {
    long n = (long) width * height;
    if (n > maxPixels) {
      throw new BadImageException(file, String.format(Locale.ROOT, "%dx%d = %s pixels is over --max-image-pixels %d",
          width, height, n >= 1_000_000 ? Math.round(n / 1e6) + " M" : Long.toString(n), maxPixels));
    }
  }
}
