package org.facenet.data;

/**
 * The random crop and flip of a cached {@link DecodedImage} in plain Java, without a TensorFlow run: the floats
 * {@link TensorFlowImageDecoder} gives for the same view (checked exactly by {@code CropFlipTest} and
 * {@code DecodedImageCacheTest}), at less CPU and off TensorFlow's thread pool, which the training step's convolutions
 * use (docs/benchmarks.md). Views with a rotation, and the centre square, stay with TensorFlow.
 */
public final class CropFlip {

  private CropFlip() {}

  /** Whether {@link #render} computes this view of a {@code width x height} image. */
  public static boolean handles(Augmentation.View view, int width, int height) {
    return view.degrees() == 0 && !view.isCentre(width, height);
  }

  /**
   * The view (no rotation) of {@code im} resampled to {@code size x size} as {@link TensorFlowImageDecoder} renders it
   * (ScaleAndTranslate, triangle kernel, antialias: the kernel's spans in float as TensorFlow computes them, rows then
   * columns), then mirrored when the view says, into {@code out} from {@code offset}.
   */
  public static void render(DecodedImage im, Augmentation.View view, int size, float[] out, int offset) {
    if (view.degrees() != 0) throw new IllegalArgumentException("CropFlip does not rotate");
    float k = (float) (size / view.side());
    float ty = (float) (size / 2.0 - view.cy() * k);
    float tx = (float) (size / 2.0 - view.cx() * k);
    Spans rows = Spans.of(size, im.height(), k, ty);
    Spans cols = Spans.of(size, im.width(), k, tx);
    int w = im.width();
    byte[] px = im.rgb();
    float[] mid = new float[size * w * 3]; // rows resampled: [size][w][3]
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          float s = 0;
          for (int j = 0; j < rows.span; j++) {
            float wt = rows.weights[y * rows.span + j];
            if (wt != 0) s += wt * (px[((rows.starts[y] + j) * w + x) * 3 + c] & 0xFF);
          }
          mid[(y * w + x) * 3 + c] = s;
        }
      }
    }
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int ox = view.mirror() ? size - 1 - x : x;
        for (int c = 0; c < 3; c++) {
          float s = 0;
          for (int j = 0; j < cols.span; j++) {
            float wt = cols.weights[x * cols.span + j];
            if (wt != 0) s += wt * mid[(y * w + cols.starts[x] + j) * 3 + c];
          }
          out[offset + (y * size + ox) * 3 + c] = s;
        }
      }
    }
  }

  /** ScaleAndTranslate's spans for the triangle kernel with antialias (tensorflow/core/kernels/image). */
  record Spans(int span, int[] starts, float[] weights) {
    static Spans of(int outSize, int inSize, float scale, float translate) {
      float invScale = (float) (1.0 / scale);
      float invTranslate = -invScale * translate;
      float kernelScale = Math.max(invScale, 1f);
      float radius = 1f;
      int span = Math.min(2 * (int) Math.ceil(radius * kernelScale) + 1, inSize);
      int[] starts = new int[outSize];
      float[] weights = new float[outSize * span];
      float oneOverKernelScale = 1f / kernelScale;
      for (int x = 0; x < outSize; x++) {
        float sample = (x + 0.5f) * invScale + invTranslate;
        if (sample < 0 || sample > inSize) continue;
        int start = Math.max(0, Math.min(inSize - 1, (int) Math.ceil(sample - radius * kernelScale - 0.5f)));
        int end = Math.max(0, Math.min(inSize - 1, (int) Math.floor(sample + radius * kernelScale - 0.5f))) + 1;
        float total = 0;
        float[] tmp = new float[end - start];
        for (int s = start; s < end; s++) {
          float pos = s + 0.5f - sample;
          float t = Math.abs(pos * oneOverKernelScale);
          float wt = t < 1 ? 1 - t : 0;
          tmp[s - start] = wt;
          total += wt;
        }
        if (Math.abs(total) >= 1000f * Float.MIN_NORMAL) {
          float inv = 1f / total;
          for (int j = 0; j < tmp.length; j++) weights[x * span + j] = tmp[j] * inv;
        }
        starts[x] = start;
      }
      return new Spans(span, starts, weights);
    }
  }
}
