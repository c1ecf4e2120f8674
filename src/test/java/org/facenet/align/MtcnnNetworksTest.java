package org.facenet.align;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Each MTCNN network (facenet's real weights) against a plain float64 implementation of facenet's detect_face.py
 * networks on random inputs: the swap of height and width, VALID convolutions, PReLU, TensorFlow's SAME/VALID max
 * pooling, the row-major flatten before the fully connected layers, softmax.
 */
class MtcnnNetworksTest {

  private static final MtcnnWeights W = MtcnnWeights.facenet();
  private static Mtcnn mtcnn;

  @BeforeAll
  static void open() {
    mtcnn = new Mtcnn(W);
  }

  @AfterAll
  static void close() {
    mtcnn.close();
  }

  @Test
  void parameterCountsAreFacenets() {
    assertEquals(6_632, W.parameterCount("pnet"));
    assertEquals(100_178, W.parameterCount("rnet"));
    assertEquals(389_040, W.parameterCount("onet"));
  }

  /** A feature map, HWC, float64. */
  record Map3(int h, int w, int c, double[] v) {
    double at(int y, int x, int ch) {
      return v[(y * w + x) * c + ch];
    }
  }

  static Map3 conv(Map3 in, String name) {
    MtcnnWeights.Tensor k = W.get(name + "/weights");
    float[] b = W.get(name + "/biases").values();
    int kh = (int) k.shape()[0], kw = (int) k.shape()[1], ci = (int) k.shape()[2], co = (int) k.shape()[3];
    assertEquals(in.c(), ci);
    int oh = in.h() - kh + 1, ow = in.w() - kw + 1;
    double[] out = new double[oh * ow * co];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        for (int o = 0; o < co; o++) {
          double s = b[o];
          for (int dy = 0; dy < kh; dy++) {
            for (int dx = 0; dx < kw; dx++) {
              for (int i = 0; i < ci; i++) {
                s += in.at(y + dy, x + dx, i) * k.values()[((dy * kw + dx) * ci + i) * co + o];
              }
            }
          }
          out[(y * ow + x) * co + o] = s;
        }
      }
    }
    return new Map3(oh, ow, co, out);
  }

  static Map3 prelu(Map3 in, String name) {
    float[] a = W.get(name + "/alpha").values();
    double[] out = new double[in.v().length];
    for (int i = 0; i < out.length; i++) {
      double x = in.v()[i];
      out[i] = x > 0 ? x : a[i % in.c()] * x;
    }
    return new Map3(in.h(), in.w(), in.c(), out);
  }

  /** TensorFlow's max pooling: SAME pads with -inf, the smaller half of the padding before. */
  static Map3 maxPool(Map3 in, int k, int s, boolean same) {
    int oh = same ? (in.h() + s - 1) / s : (in.h() - k) / s + 1;
    int ow = same ? (in.w() + s - 1) / s : (in.w() - k) / s + 1;
    int padTop = same ? Math.max((oh - 1) * s + k - in.h(), 0) / 2 : 0;
    int padLeft = same ? Math.max((ow - 1) * s + k - in.w(), 0) / 2 : 0;
    double[] out = new double[oh * ow * in.c()];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        for (int c = 0; c < in.c(); c++) {
          double m = Double.NEGATIVE_INFINITY;
          for (int dy = 0; dy < k; dy++) {
            for (int dx = 0; dx < k; dx++) {
              int iy = y * s + dy - padTop, ix = x * s + dx - padLeft;
              if (iy >= 0 && iy < in.h() && ix >= 0 && ix < in.w()) m = Math.max(m, in.at(iy, ix, c));
            }
          }
          out[(y * ow + x) * in.c() + c] = m;
        }
      }
    }
    return new Map3(oh, ow, in.c(), out);
  }

  /** Fully connected on the row-major (h, w, c) flattening. */
  static double[] fc(double[] in, String name) {
    MtcnnWeights.Tensor k = W.get(name + "/weights");
    float[] b = W.get(name + "/biases").values();
    int ni = (int) k.shape()[0], no = (int) k.shape()[1];
    assertEquals(ni, in.length);
    double[] out = new double[no];
    for (int o = 0; o < no; o++) {
      double s = b[o];
      for (int i = 0; i < ni; i++) s += in[i] * k.values()[i * no + o];
      out[o] = s;
    }
    return out;
  }

  static double[] prelu(double[] in, String name) {
    return prelu(new Map3(1, 1, in.length, in), name).v();
  }

  static double faceProbability(double a, double b) {
    return 1 / (1 + Math.exp(a - b));
  }

  /** Pixels 0..255, HWC, normalised as facenet does and with height and width swapped (Caffe's order). */
  static Map3 normalisedSwapped(float[] pixels, int offset, int h, int w) {
    double[] v = new double[h * w * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          v[(x * h + y) * 3 + c] = (pixels[offset + (y * w + x) * 3 + c] - 127.5) * 0.0078125;
        }
      }
    }
    return new Map3(w, h, 3, v);
  }

  static float[] randomPixels(Random random, int n) {
    float[] p = new float[n];
    for (int i = 0; i < n; i++) p[i] = random.nextInt(256);
    return p;
  }

  @Test
  void pnetMatchesFloat64Reference() {
    int h = 31, w = 26;
    float[] pixels = randomPixels(new Random(1), h * w * 3);
    Mtcnn.PNetResult got;
    try (TFloat32 level = TFloat32.tensorOf(Shape.of(1, h, w, 3), DataBuffers.of(pixels, true, false))) {
      got = mtcnn.pnetOnLevel(level);
    }
    Map3 x = normalisedSwapped(pixels, 0, h, w);
    x = prelu(conv(x, "pnet/conv1"), "pnet/PReLU1");
    x = maxPool(x, 2, 2, true);
    x = prelu(conv(x, "pnet/conv2"), "pnet/PReLU2");
    x = prelu(conv(x, "pnet/conv3"), "pnet/PReLU3");
    Map3 logits = conv(x, "pnet/conv4-1");
    Map3 reg = conv(x, "pnet/conv4-2");
    // the reference's maps are (w', h'); the network's outputs are swapped back to the photo's (h', w')
    assertEquals(logits.w(), got.height());
    assertEquals(logits.h(), got.width());
    double worst = 0;
    for (int r = 0; r < got.height(); r++) {
      for (int c = 0; c < got.width(); c++) {
        double p = faceProbability(logits.at(c, r, 0), logits.at(c, r, 1));
        worst = Math.max(worst, Math.abs(p - got.probability()[r * got.width() + c]));
        for (int k = 0; k < 4; k++) {
          worst = Math.max(worst, Math.abs(reg.at(c, r, k) - got.regression()[(r * got.width() + c) * 4 + k]));
        }
      }
    }
    assertEquals(0, worst, 1e-4, "largest difference from the float64 reference");
  }

  @Test
  void rnetMatchesFloat64Reference() {
    int n = 3;
    float[] crops = randomPixels(new Random(2), n * 24 * 24 * 3);
    Mtcnn.StageResult got = mtcnn.rnet(crops, n);
    for (int i = 0; i < n; i++) {
      Map3 x = normalisedSwapped(crops, i * 24 * 24 * 3, 24, 24);
      x = prelu(conv(x, "rnet/conv1"), "rnet/prelu1");
      x = maxPool(x, 3, 2, true);
      x = prelu(conv(x, "rnet/conv2"), "rnet/prelu2");
      x = maxPool(x, 3, 2, false);
      x = prelu(conv(x, "rnet/conv3"), "rnet/prelu3");
      assertEquals(576, x.v().length);
      double[] f = prelu(fc(x.v(), "rnet/conv4"), "rnet/prelu4");
      double[] logits = fc(f, "rnet/conv5-1");
      double[] reg = fc(f, "rnet/conv5-2");
      assertEquals(faceProbability(logits[0], logits[1]), got.probability()[i], 1e-4);
      for (int k = 0; k < 4; k++) assertEquals(reg[k], got.regression()[i * 4 + k], 1e-4);
    }
  }

  @Test
  void onetMatchesFloat64Reference() {
    int n = 2;
    float[] crops = randomPixels(new Random(3), n * 48 * 48 * 3);
    Mtcnn.StageResult got = mtcnn.onet(crops, n);
    for (int i = 0; i < n; i++) {
      Map3 x = normalisedSwapped(crops, i * 48 * 48 * 3, 48, 48);
      x = prelu(conv(x, "onet/conv1"), "onet/prelu1");
      x = maxPool(x, 3, 2, true);
      x = prelu(conv(x, "onet/conv2"), "onet/prelu2");
      x = maxPool(x, 3, 2, false);
      x = prelu(conv(x, "onet/conv3"), "onet/prelu3");
      x = maxPool(x, 2, 2, true);
      x = prelu(conv(x, "onet/conv4"), "onet/prelu4");
      assertEquals(1152, x.v().length);
      double[] f = prelu(fc(x.v(), "onet/conv5"), "onet/prelu5");
      double[] logits = fc(f, "onet/conv6-1");
      double[] reg = fc(f, "onet/conv6-2");
      double[] marks = fc(f, "onet/conv6-3");
      assertEquals(faceProbability(logits[0], logits[1]), got.probability()[i], 1e-4);
      for (int k = 0; k < 4; k++) assertEquals(reg[k], got.regression()[i * 4 + k], 1e-4);
      for (int k = 0; k < 10; k++) assertEquals(marks[k], got.landmarks()[i * 10 + k], 1e-4);
    }
  }
}
