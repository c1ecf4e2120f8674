package org.facenet.interop;

import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.facenet.interop.onnx.Onnx;

/**
 * A straightforward float64 interpreter of the few ONNX ops an exported iresnet uses (Conv, BatchNormalization,
 * PRelu, Add, Flatten, Gemm, Identity), by ONNX's operator definitions on NCHW tensors, independent of the import's
 * mapping: the reference the imported SavedModel's embeddings are checked against.
 */
final class OnnxReference {

  /** A dense NCHW (or [N, F]) tensor. */
  record T(int[] dims, double[] v) {}

  private OnnxReference() {}

  /**
   * The L2-normalised output of {@code model} on {@code n} raw RGB images (NHWC, 0..255), standardised as ArcFace's
   * (x - 127.5) / 127.5 and fed as NCHW.
   */
  static double[][] embeddings(Onnx.ModelProto model, float[] nhwc, int n, int side) {
    Map<String, T> env = new HashMap<>();
    for (Onnx.TensorProto t : model.getGraph().getInitializerList()) env.put(t.getName(), tensor(t));
    double[] x = new double[n * 3 * side * side];
    for (int b = 0; b < n; b++) {
      for (int y = 0; y < side; y++) {
        for (int xx = 0; xx < side; xx++) {
          for (int c = 0; c < 3; c++) {
            x[((b * 3 + c) * side + y) * side + xx] = (nhwc[((b * side + y) * side + xx) * 3 + c] - 127.5) / 127.5;
          }
        }
      }
    }
    env.put(model.getGraph().getInput(0).getName(), new T(new int[] {n, 3, side, side}, x));
    for (Onnx.NodeProto node : model.getGraph().getNodeList()) env.put(node.getOutput(0), run(node, env));
    T out = env.get(model.getGraph().getOutput(0).getName());
    int d = out.dims()[1];
    double[][] e = new double[n][d];
    for (int b = 0; b < n; b++) {
      double s = 0;
      for (int j = 0; j < d; j++) s += out.v()[b * d + j] * out.v()[b * d + j];
      for (int j = 0; j < d; j++) e[b][j] = out.v()[b * d + j] / Math.sqrt(s);
    }
    return e;
  }

  private static T run(Onnx.NodeProto node, Map<String, T> env) {
    List<T> in = node.getInputList().stream().map(env::get).toList();
    Map<String, Onnx.AttributeProto> a = new HashMap<>();
    for (Onnx.AttributeProto p : node.getAttributeList()) a.put(p.getName(), p);
    switch (node.getOpType()) {
      case "Identity":
        return in.get(0);
      case "Conv":
        return conv(in.get(0), in.get(1), in.size() > 2 ? in.get(2) : null, (int) a.get("strides").getInts(0),
            (int) a.get("pads").getInts(0));
      case "BatchNormalization": {
        T x = in.get(0);
        double eps = a.get("epsilon").getF();
        int c = x.dims()[1];
        int inner = x.v().length / x.dims()[0] / c;
        double[] y = new double[x.v().length];
        for (int i = 0; i < y.length; i++) {
          int k = (i / inner) % c;
          y[i] = (x.v()[i] - in.get(3).v()[k]) / Math.sqrt(in.get(4).v()[k] + eps) * in.get(1).v()[k] + in.get(2).v()[k];
        }
        return new T(x.dims(), y);
      }
      case "PRelu": {
        T x = in.get(0);
        int c = x.dims()[1];
        int inner = x.v().length / x.dims()[0] / c;
        double[] y = new double[x.v().length];
        for (int i = 0; i < y.length; i++) {
          double v = x.v()[i];
          y[i] = v >= 0 ? v : v * in.get(1).v()[(i / inner) % c];
        }
        return new T(x.dims(), y);
      }
      case "Add": {
        double[] y = new double[in.get(0).v().length];
        for (int i = 0; i < y.length; i++) y[i] = in.get(0).v()[i] + in.get(1).v()[i];
        return new T(in.get(0).dims(), y);
      }
      case "Flatten":
        return new T(new int[] {in.get(0).dims()[0], in.get(0).v().length / in.get(0).dims()[0]}, in.get(0).v());
      case "Gemm": {
        T x = in.get(0);
        T w = in.get(1);
        int n = x.dims()[0];
        int f = x.dims()[1];
        int d = w.dims()[0];
        double[] y = new double[n * d];
        for (int b = 0; b < n; b++) {
          for (int j = 0; j < d; j++) {
            double s = in.get(2).v()[j];
            for (int i = 0; i < f; i++) s += x.v()[b * f + i] * w.v()[j * f + i];
            y[b * d + j] = s;
          }
        }
        return new T(new int[] {n, d}, y);
      }
      default:
        throw new IllegalArgumentException("reference: op " + node.getOpType());
    }
  }

  /** Cross-correlation with symmetric zero padding, ONNX's Conv (group 1, no dilation). */
  private static T conv(T x, T w, T b, int stride, int pad) {
    int n = x.dims()[0];
    int ci = x.dims()[1];
    int h = x.dims()[2];
    int wd = x.dims()[3];
    int co = w.dims()[0];
    int k = w.dims()[2];
    int oh = (h + 2 * pad - k) / stride + 1;
    int ow = (wd + 2 * pad - k) / stride + 1;
    double[] y = new double[n * co * oh * ow];
    for (int bb = 0; bb < n; bb++) {
      for (int o = 0; o < co; o++) {
        for (int r = 0; r < oh; r++) {
          for (int c = 0; c < ow; c++) {
            double s = b == null ? 0 : b.v()[o];
            for (int i = 0; i < ci; i++) {
              for (int kh = 0; kh < k; kh++) {
                int yy = r * stride - pad + kh;
                if (yy < 0 || yy >= h) continue;
                for (int kw = 0; kw < k; kw++) {
                  int xx = c * stride - pad + kw;
                  if (xx < 0 || xx >= wd) continue;
                  s += x.v()[((bb * ci + i) * h + yy) * wd + xx] * w.v()[((o * ci + i) * k + kh) * k + kw];
                }
              }
            }
            y[((bb * co + o) * oh + r) * ow + c] = s;
          }
        }
      }
    }
    return new T(new int[] {n, co, oh, ow}, y);
  }

  private static T tensor(Onnx.TensorProto t) {
    int[] dims = t.getDimsList().stream().mapToInt(Long::intValue).toArray();
    double[] v;
    if (!t.getRawData().isEmpty()) {
      java.nio.FloatBuffer fb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      v = new double[fb.remaining()];
      for (int i = 0; i < v.length; i++) v[i] = fb.get(i);
    } else {
      v = t.getFloatDataList().stream().mapToDouble(Float::doubleValue).toArray();
    }
    return new T(dims, v);
  }
}
