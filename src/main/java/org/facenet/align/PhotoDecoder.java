package org.facenet.align;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.facenet.data.BadImageException;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Whole photos for detection, decoded by TensorFlow's kernels (DecodeImage: JPEG, PNG, GIF's first frame, BMP;
 * grayscale, palette, RGBA, 16-bit and CMYK JPEGs come out as 8-bit RGB). A photo of more than {@code maxPixels} is
 * brought under the limit before the pyramid: a JPEG by libjpeg's DCT scaling while decoding (1/2, 1/4, 1/8; its
 * size read from the header first, so a huge photo is never decoded whole), then by area averaging; the result says
 * the scale, so faces are reported in pixels of the original. Thread-safe.
 */
public final class PhotoDecoder implements AutoCloseable {

  /** A decoded photo and the factor from its pixels to the original's ({@code 1} unless it was downscaled). */
  public record Decoded(RgbImage image, double scale, int originalWidth, int originalHeight) {}

  private static final int[] JPEG_RATIOS = {2, 4, 8};

  private final long maxPixels;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TString> contents;
  private final Operand<TUint8> decoded;
  private final Operand<TInt32> jpegShape;
  private final Operand<TUint8>[] jpegScaled;
  private final Placeholder<TUint8> image;
  private final Placeholder<TInt32> size;
  private final Operand<TUint8> resized;

  @SuppressWarnings("unchecked")
  public PhotoDecoder(long maxPixels) {
    if (maxPixels < 1) throw new IllegalArgumentException("maxPixels must be >= 1");
    this.maxPixels = maxPixels;
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      contents = tf.withName("contents").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      decoded = tf.image.decodeImage(contents, TUint8.class, DecodeImage.channels(3L), DecodeImage.expandAnimations(false));
      jpegShape = tf.image.extractJpegShape(contents);
      jpegScaled = new Operand[JPEG_RATIOS.length];
      for (int i = 0; i < JPEG_RATIOS.length; i++) {
        jpegScaled[i] = tf.image.decodeJpeg(contents, DecodeJpeg.channels(3L), DecodeJpeg.ratio((long) JPEG_RATIOS[i]));
      }
      image = tf.withName("image").placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, 3)));
      size = tf.withName("size").placeholder(TInt32.class, Placeholder.shape(Shape.of(2)));
      Operand<TFloat32> area = tf.image.resizeArea(tf.expandDims(image, tf.constant(0)), size);
      resized = tf.dtypes.cast(tf.squeeze(tf.math.round(area), Squeeze.axis(List.of(0L))), TUint8.class);
      session = new Session(graph);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  public long maxPixels() {
    return maxPixels;
  }

  /** The photo in {@code file}; unreadable, empty, corrupt or non-image files are a {@link BadImageException}. */
  public Decoded decode(Path file) throws BadImageException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BadImageException(file, "cannot read (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
    }
    if (bytes.length == 0) throw new BadImageException(file, "empty file (0 bytes)");
    try (TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(bytes))) {
      Operand<TUint8> decoder = decoded;
      int ow = -1, oh = -1;
      if (bytes.length > 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8) {
        try (Result r = session.runner().feed(contents, in).fetch(jpegShape).run()) {
          TInt32 s = (TInt32) r.get(0);
          oh = s.getInt(0);
          ow = s.getInt(1);
        }
        for (int i = JPEG_RATIOS.length - 1; i >= 0; i--) {
          long side = JPEG_RATIOS[i];
          // the largest DCT scaling that keeps the photo at or above the limit, so the area step finishes it
          if ((long) oh * ow / (side * side) >= maxPixels) {
            decoder = jpegScaled[i];
            break;
          }
        }
      }
      try (Result r = session.runner().feed(contents, in).fetch(decoder).run()) {
        TUint8 t = (TUint8) r.get(0);
        int h = (int) t.shape().size(0), w = (int) t.shape().size(1);
        if (ow < 0) {
          ow = w;
          oh = h;
        }
        if ((long) h * w > maxPixels) {
          double f = Math.sqrt((double) maxPixels / ((double) h * w));
          int nh = Math.max(1, (int) Math.floor(h * f)), nw = Math.max(1, (int) Math.floor(w * f));
          try (TInt32 hw = TInt32.vectorOf(nh, nw); Result s = session.runner().feed(image, t).feed(size, hw).fetch(resized).run()) {
            return new Decoded(copy((TUint8) s.get(0), nw, nh), (double) ow / nw, ow, oh);
          }
        }
        return new Decoded(copy(t, w, h), (double) ow / w, ow, oh);
      }
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
      throw new BadImageException(file, "corrupt, truncated or not an image (TensorFlow: " + message + ")", e);
    }
  }

  private static RgbImage copy(TUint8 t, int w, int h) {
    if (w < 1 || h < 1) throw new IllegalStateException("decoded to an empty image");
    byte[] rgb = new byte[w * h * 3];
    t.copyTo(DataBuffers.of(rgb, false, false));
    return new RgbImage(w, h, rgb);
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
