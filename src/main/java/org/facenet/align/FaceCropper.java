package org.facenet.align;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.ScaleAndTranslate;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * facenet's aligned crop (align_dataset_mtcnn.py): the face box widened by {@code margin / 2} on each side, clipped
 * to the photo, resized to {@code size x size} with a bilinear filter widened when shrinking (what Pillow's BILINEAR
 * does under scipy's misc.imresize; here TensorFlow's ScaleAndTranslate, triangle kernel, antialias), rounded to 8
 * bits and encoded as PNG by TensorFlow. No rotation. Thread-safe.
 */
public final class FaceCropper implements AutoCloseable {

  /** The crop's rectangle in the photo, columns x1..x2-1 and rows y1..y2-1, as facenet's {@code bb}. */
  public record Crop(int x1, int y1, int x2, int y2) {}

  private final int size;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TUint8> pixels;
  private final Placeholder<TFloat32> scale;
  private final Operand<TUint8> resized;
  private final Operand<TString> png;

  public FaceCropper(int size) {
    if (size < 1) throw new IllegalArgumentException("image size must be >= 1, got " + size);
    this.size = size;
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      pixels = tf.withName("crop").placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, 3)));
      scale = tf.withName("scale").placeholder(TFloat32.class, Placeholder.shape(Shape.of(2)));
      Operand<TFloat32> out = tf.image.scaleAndTranslate(tf.expandDims(pixels, tf.constant(0)),
          tf.constant(new int[] {size, size}), scale, tf.constant(new float[] {0f, 0f}),
          ScaleAndTranslate.kernelType("triangle"), ScaleAndTranslate.antialias(true));
      resized = toRgb8(tf, out, size);
      png = tf.image.encodePng(resized);
      session = new Session(graph);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /**
   * A resampled [1, size, size, 3] float image as the 8-bit RGB [size, size, 3] a crop is written as: rounded to the
   * nearest level and clipped to 0..255 (the crops of facenet align and of the similarity warp alike).
   */
  static Operand<TUint8> toRgb8(Ops tf, Operand<TFloat32> image, int size) {
    Operand<TFloat32> rounded = tf.clipByValue(tf.math.round(image), tf.constant(0f), tf.constant(255f));
    return tf.reshape(tf.dtypes.cast(rounded, TUint8.class), tf.constant(new int[] {size, size, 3}));
  }

  public int size() {
    return size;
  }

  /** facenet's crop rectangle of {@code face} with {@code margin} pixels (half each side) in a {@code w x h} photo. */
  public static Crop crop(Face face, double margin, int w, int h) {
    // np.int32 assignment truncates toward zero; the clipping comes first, as in facenet
    int x1 = (int) Math.max(face.x1() - margin / 2, 0);
    int y1 = (int) Math.max(face.y1() - margin / 2, 0);
    int x2 = (int) Math.min(face.x2() + margin / 2, w);
    int y2 = (int) Math.min(face.y2() + margin / 2, h);
    return new Crop(x1, y1, x2, y2);
  }

  /** The crop resized to {@code size x size}, RGB bytes. */
  public RgbImage resize(RgbImage photo, Crop c) {
    try (Result r = run(photo, c, resized)) {
      byte[] rgb = new byte[size * size * 3];
      ((TUint8) r.get(0)).copyTo(DataBuffers.of(rgb, false, false));
      return new RgbImage(size, size, rgb);
    }
  }

  /** The crop resized to {@code size x size}, as PNG bytes. */
  public byte[] png(RgbImage photo, Crop c) {
    try (Result r = run(photo, c, png)) {
      return ((TString) r.get(0)).asBytes().getObject();
    }
  }

  private Result run(RgbImage photo, Crop c, Operand<?> fetch) {
    int w = c.x2() - c.x1(), h = c.y2() - c.y1();
    if (w < 1 || h < 1) throw new IllegalArgumentException("empty crop " + c);
    byte[] region = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      System.arraycopy(photo.rgb(), ((c.y1() + y) * photo.width() + c.x1()) * 3, region, y * w * 3, w * 3);
    }
    try (TUint8 in = TUint8.tensorOf(Shape.of(h, w, 3), DataBuffers.of(region, true, false));
        TFloat32 s = TFloat32.vectorOf((float) size / h, (float) size / w)) {
      return session.runner().feed(pixels, in).feed(scale, s).fetch(fetch).run();
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
