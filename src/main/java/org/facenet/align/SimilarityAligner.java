package org.facenet.align;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.ImageProjectiveTransformV3;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * insightface's five-landmark alignment for ArcFace models (python-package/insightface/utils/face_align.py,
 * norm_crop): the least-squares similarity (rotation, uniform scale, translation; skimage's SimilarityTransform, as
 * Umeyama) that takes the face's five landmarks onto insightface's ArcFace template, then the photo warped by it with
 * bilinear sampling and black outside (cv2.warpAffine's defaults); here TensorFlow's ImageProjectiveTransformV3.
 * The template is defined for 112 x 112; sizes that are multiples of 112 scale it, other multiples of 128 scale it
 * from 128 and shift it by 8 (as insightface's estimate_norm). Thread-safe.
 */
public final class SimilarityAligner implements AutoCloseable {

  /** insightface's arcface_dst: left eye, right eye, nose, left and right mouth corners, in a 112 x 112 crop. */
  static final double[][] ARCFACE_112 = {
      {38.2946, 51.6963}, {73.5318, 51.5014}, {56.0252, 71.7366}, {41.5493, 92.3655}, {70.7299, 92.2041}};

  private final int size;
  private final double[][] template;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TUint8> image;
  private final Placeholder<TFloat32> transform;
  private final Operand<TUint8> warped;
  private final Operand<TString> png;

  public SimilarityAligner(int size) {
    if (size < 1 || (size % 112 != 0 && size % 128 != 0)) {
      throw new IllegalArgumentException("similarity alignment needs an image size that is a multiple of 112 or 128 "
          + "(insightface's template), got " + size);
    }
    this.size = size;
    this.template = template(size);
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      image = tf.withName("image").placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, 3)));
      transform = tf.withName("transform").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 8)));
      Operand<TFloat32> pixels = tf.dtypes.cast(tf.expandDims(image, tf.constant(0)), TFloat32.class);
      Operand<TFloat32> out = tf.image.imageProjectiveTransformV3(pixels, transform, tf.constant(new int[] {size, size}),
          tf.constant(0f), "BILINEAR", ImageProjectiveTransformV3.fillMode("CONSTANT"));
      warped = FaceCropper.toRgb8(tf, out, size);
      png = tf.image.encodePng(warped);
      session = new Session(graph);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  public int size() {
    return size;
  }

  /** insightface's template for an {@code size x size} crop (estimate_norm's ratio and shift). */
  static double[][] template(int size) {
    double ratio = size % 112 == 0 ? size / 112.0 : size / 128.0;
    double shift = size % 112 == 0 ? 0 : 8.0 * ratio;
    double[][] t = new double[5][2];
    for (int i = 0; i < 5; i++) {
      t[i][0] = ARCFACE_112[i][0] * ratio + shift;
      t[i][1] = ARCFACE_112[i][1] * ratio;
    }
    return t;
  }

  /**
   * The least-squares similarity from {@code src} to {@code dst} points ({x, y} each) as the 2 x 3 matrix
   * {@code [[a, -b, tx], [b, a, ty]]} (row-major, 6 values): the closed form of Umeyama's estimate in the plane.
   */
  static double[] similarity(double[][] src, double[][] dst) {
    int n = src.length;
    double sx = 0, sy = 0, dx = 0, dy = 0;
    for (int i = 0; i < n; i++) {
      sx += src[i][0];
      sy += src[i][1];
      dx += dst[i][0];
      dy += dst[i][1];
    }
    sx /= n;
    sy /= n;
    dx /= n;
    dy /= n;
    double dot = 0, cross = 0, norm = 0;
    for (int i = 0; i < n; i++) {
      double px = src[i][0] - sx, py = src[i][1] - sy, qx = dst[i][0] - dx, qy = dst[i][1] - dy;
      dot += px * qx + py * qy;
      cross += px * qy - py * qx;
      norm += px * px + py * py;
    }
    double a = dot / norm, b = cross / norm;
    return new double[] {a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)};
  }

  /** The similarity taking {@code face}'s landmarks onto the template. */
  public double[] matrix(Face face) {
    double[][] src = new double[5][];
    for (int i = 0; i < 5; i++) src[i] = new double[] {face.landmarkX()[i], face.landmarkY()[i]};
    return similarity(src, template);
  }

  /** The aligned crop, {@code size x size} RGB. */
  public RgbImage align(RgbImage photo, Face face) {
    try (Result r = run(photo, matrix(face), warped)) {
      byte[] rgb = new byte[size * size * 3];
      ((TUint8) r.get(0)).copyTo(DataBuffers.of(rgb, false, false));
      return new RgbImage(size, size, rgb);
    }
  }

  /** The aligned crop as PNG bytes. */
  public byte[] png(RgbImage photo, Face face) {
    try (Result r = run(photo, matrix(face), png)) {
      return ((TString) r.get(0)).asBytes().getObject();
    }
  }

  /** The photo warped by the 2 x 3 matrix {@code m} (photo -> crop). */
  RgbImage warp(RgbImage photo, double[] m) {
    try (Result r = run(photo, m, warped)) {
      byte[] rgb = new byte[size * size * 3];
      ((TUint8) r.get(0)).copyTo(DataBuffers.of(rgb, false, false));
      return new RgbImage(size, size, rgb);
    }
  }

  private Result run(RgbImage photo, double[] m, Operand<?> fetch) {
    // ImageProjectiveTransform maps each output pixel to the input: the inverse of m
    double det = m[0] * m[4] - m[1] * m[3];
    double i0 = m[4] / det, i1 = -m[1] / det, i3 = -m[3] / det, i4 = m[0] / det;
    double i2 = -(i0 * m[2] + i1 * m[5]), i5 = -(i3 * m[2] + i4 * m[5]);
    float[] t = {(float) i0, (float) i1, (float) i2, (float) i3, (float) i4, (float) i5, 0f, 0f};
    try (TUint8 in = Mtcnn.tensor(photo); TFloat32 tt = TFloat32.tensorOf(Shape.of(1, 8), DataBuffers.of(t, true, false))) {
      return session.runner().feed(image, in).feed(transform, tt).fetch(fetch).run();
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
