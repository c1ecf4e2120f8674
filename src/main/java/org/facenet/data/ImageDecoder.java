package org.facenet.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Image files to the model's input: any JPEG or PNG ImageIO reads (grayscale, RGBA, 16-bit are converted to RGB),
 * centre-cropped to a square and resized to {@code size x size}, as float HWC RGB values 0..255 (the graph
 * standardises them).
 */
public final class ImageDecoder {

  private ImageDecoder() {}

  /** Reads an image file; an empty, corrupt, truncated or non-image file is a {@link BadImageException}. */
  public static BufferedImage read(Path file) throws BadImageException {
    try {
      if (Files.size(file) == 0) throw new BadImageException(file, "empty file (0 bytes)");
      BufferedImage img;
      try (InputStream in = Files.newInputStream(file)) {
        img = ImageIO.read(in);
      }
      if (img == null) throw new BadImageException(file, "not an image ImageIO can decode (expected JPEG or PNG)");
      if (img.getWidth() < 1 || img.getHeight() < 1) throw new BadImageException(file, "image has no pixels");
      return img;
    } catch (BadImageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new BadImageException(file, "corrupt or truncated image (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
    }
  }

  /** {@link #read} then {@link #toPixels}: the centre square resized to {@code size}. */
  public static float[] decode(Path file, int size) throws BadImageException {
    return toPixels(read(file), size);
  }

  /** The centre square of {@code img} resized to {@code size x size}, HWC RGB floats 0..255. */
  public static float[] toPixels(BufferedImage img, int size) {
    return render(img, size, 1.0, img.getWidth() / 2.0, img.getHeight() / 2.0, false, 0.0);
  }

  /**
   * The square of side {@code cropFraction * min(width, height)} centred at ({@code cx}, {@code cy}) of {@code img},
   * optionally mirrored and rotated by {@code degrees} about its centre, resampled bilinearly to {@code size x size}
   * (one affine transform, one resampling). Areas outside the source are black.
   */
  static float[] render(BufferedImage img, int size, double cropFraction, double cx, double cy, boolean flip,
      double degrees) {
    double side = Math.min(img.getWidth(), img.getHeight()) * cropFraction;
    return renderScaled(img, size, side, cx, cy, flip, degrees);
  }

  // Large images are halved first (box-like averaging) so that bilinear resampling does not alias.
  private static float[] renderScaled(BufferedImage src, int size, double side, double cx, double cy, boolean flip,
      double degrees) {
    double k = size / side;
    if (k < 0.5 && src.getWidth() > 2 && src.getHeight() > 2) {
      BufferedImage half = scaled(src, (src.getWidth() + 1) / 2, (src.getHeight() + 1) / 2);
      double f = (double) half.getWidth() / src.getWidth();
      double g = (double) half.getHeight() / src.getHeight();
      return renderScaled(half, size, side * Math.min(f, g), cx * f, cy * g, flip, degrees);
    }
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      AffineTransform t = new AffineTransform();
      t.translate(size / 2.0, size / 2.0);
      if (degrees != 0) t.rotate(Math.toRadians(degrees));
      t.scale(flip ? -k : k, k);
      t.translate(-cx, -cy);
      g.drawImage(src, t, null);
    } finally {
      g.dispose();
    }
    return pixels(out);
  }

  private static BufferedImage scaled(BufferedImage src, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** HWC RGB floats 0..255 of an image. */
  public static float[] pixels(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
    float[] out = new float[w * h * 3];
    for (int i = 0; i < rgb.length; i++) {
      int p = rgb[i];
      out[3 * i] = (p >> 16) & 0xFF;
      out[3 * i + 1] = (p >> 8) & 0xFF;
      out[3 * i + 2] = p & 0xFF;
    }
    return out;
  }
}
