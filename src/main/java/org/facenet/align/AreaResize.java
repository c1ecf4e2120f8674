package org.facenet.align;

/**
 * Area-averaging resize of an HWC float image, the arithmetic of TensorFlow's ResizeArea (align_corners false) and
 * of OpenCV's INTER_AREA, which facenet's detect_face uses: each output pixel is the mean of the input over the
 * rectangle it covers, fractional pixels weighted by their covered fraction (when enlarging, the one or two input
 * pixels under it). Used for the RNet and ONet crops, which differ in size, so that a stage's crops can be batched
 * into one session run; the pyramid levels use TensorFlow's own ResizeArea in the graph. AreaResizeTest checks this
 * against TensorFlow's op.
 */
final class AreaResize {

  private AreaResize() {}

  /** Per output index: the input indices and weights (summing to 1) along one axis. */
  private record Axis(int[][] index, double[][] weight) {
    static Axis of(int in, int out) {
      double scale = (double) in / out;
      int[][] index = new int[out][];
      double[][] weight = new double[out][];
      for (int o = 0; o < out; o++) {
        double from = o * scale, to = (o + 1) * scale;
        int start = (int) Math.floor(from), end = (int) Math.ceil(to);
        index[o] = new int[end - start];
        weight[o] = new double[end - start];
        for (int i = start; i < end; i++) {
          index[o][i - start] = Math.min(i, in - 1);
          weight[o][i - start] = (Math.min(i + 1, to) - Math.max(i, from)) / scale;
        }
      }
      return new Axis(index, weight);
    }
  }

  /**
   * {@code src} ({@code h x w x 3} from {@code offset}) resized to {@code oh x ow}, written to {@code dst} from
   * {@code dstOffset}.
   */
  static void resize(float[] src, int offset, int h, int w, int oh, int ow, float[] dst, int dstOffset) {
    Axis rows = Axis.of(h, oh), cols = Axis.of(w, ow);
    // columns first: h x ow, then rows
    double[] tmp = new double[h * ow * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < ow; x++) {
        double r = 0, g = 0, b = 0;
        int[] idx = cols.index()[x];
        double[] wt = cols.weight()[x];
        for (int k = 0; k < idx.length; k++) {
          int p = offset + (y * w + idx[k]) * 3;
          r += wt[k] * src[p];
          g += wt[k] * src[p + 1];
          b += wt[k] * src[p + 2];
        }
        int q = (y * ow + x) * 3;
        tmp[q] = r;
        tmp[q + 1] = g;
        tmp[q + 2] = b;
      }
    }
    for (int y = 0; y < oh; y++) {
      int[] idx = rows.index()[y];
      double[] wt = rows.weight()[y];
      for (int x = 0; x < ow; x++) {
        double r = 0, g = 0, b = 0;
        for (int k = 0; k < idx.length; k++) {
          int p = (idx[k] * ow + x) * 3;
          r += wt[k] * tmp[p];
          g += wt[k] * tmp[p + 1];
          b += wt[k] * tmp[p + 2];
        }
        int q = dstOffset + (y * ow + x) * 3;
        dst[q] = (float) r;
        dst[q + 1] = (float) g;
        dst[q + 2] = (float) b;
      }
    }
  }
}
