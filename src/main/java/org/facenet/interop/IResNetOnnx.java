package org.facenet.interop;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.facenet.interop.OnnxModel.Node;
import org.facenet.nn.BackboneConfig;
import org.facenet.nn.IResNet;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;

/**
 * An insightface iresnet ONNX graph (arcface_torch's backbones/iresnet.py exported by torch2onnx.py, and the model
 * zoo's w600k_r50) mapped onto this project's {@link IResNet} in graph order, since torch's exporter names most
 * initializers anonymously ({@code onnx::Conv_*}). The graph must read, node by node:
 * <ul>
 *   <li>stem: Conv 3x3 (input: the graph input), PRelu;</li>
 *   <li>each unit: BatchNormalization, Conv 3x3, PRelu, Conv 3x3 (stride 2 in a stage's first unit), [Conv 1x1
 *       shortcut on the unit's input], Add;</li>
 *   <li>head: BatchNormalization, Flatten (or Reshape), Gemm, [BatchNormalization (the BN1d "features")].</li>
 * </ul>
 * Each Conv may carry its batch norm folded in as a bias (torch's eval export does this) or be followed by a
 * BatchNormalization node, which is folded into it here. The depth (18, 34, 50, 100) comes from the units per stage,
 * the width from the stem's channels, the embedding size from the Gemm, the input size from the graph input.
 *
 * <p>Values, as {@link IResNet}'s unfolded inference tower names them: a conv's weights OIHW -> HWIO, its (folded)
 * bias as its batch norm's beta with gamma 1, moving mean 0 and moving variance {@code 1 - epsilon} (the identity;
 * the export folds it back into exactly the bias); the PReLU slopes [C, 1, 1] -> [C]; a BatchNormalization node's
 * four tensors as they are (its epsilon moved into the variance when it is not IResNet's 1e-5); the Gemm's weight
 * transposed to [features, D] with its rows reordered from PyTorch's channels-first flatten (c, h, w) to this
 * graph's (h, w, c), and the features BN1d folded into the Gemm.
 */
final class IResNetOnnx {

  /** What the mapping found. */
  record Mapped(ModelSpec spec, Map<String, NamedTensor> tensors) {}

  private static final int[][] UNITS = {{2, 2, 2, 2}, {3, 4, 6, 3}, {3, 4, 14, 3}, {3, 13, 30, 3}};
  private static final int[] DEPTHS = {18, 34, 50, 100};
  private static final float EPS = IResNet.BATCH_NORM.epsilon();

  private final OnnxModel m;
  private int pos;
  /** Root-relative path ("conv1/weights", "layer1/unit_1/...") -> value, in the backbone's order. */
  private final Map<String, NamedTensor> model = new LinkedHashMap<>();
  /** Where the layers being read put their values: {@link #model}, or a unit's own map while it is read. */
  private Map<String, NamedTensor> out = model;

  private IResNetOnnx(OnnxModel m) {
    this.m = m;
  }

  /** Maps {@code m}; a graph of another shape is an IllegalArgumentException naming the file and the first node off. */
  static Mapped map(OnnxModel m, Integer embeddingSize, Standardization standardization) {
    return new IResNetOnnx(m).run(embeddingSize, standardization);
  }

  private Mapped run(Integer embeddingSize, Standardization standardization) {
    String x = conv("conv1", m.input(), 1);
    int c0 = channels("conv1");
    x = prelu("conv1", x, c0);
    int[] units = new int[4];
    int stage = -1;
    while (pos + 1 < m.nodes().size() && at(pos).op().equals("BatchNormalization") && at(pos + 1).op().equals("Conv")) {
      Map<String, NamedTensor> unit = new LinkedHashMap<>();
      Node first = at(pos);
      boolean downsample = unit(x, unit);
      if (downsample) stage++;
      if (stage < 0 || stage > 3) {
        throw off(first, "the " + (stage < 0 ? "first unit to halve the map" : "unit of stage " + (stage + 1)
            + " (an iresnet has four stages)"), "a unit that " + (downsample ? "halves" : "keeps") + " the map");
      }
      units[stage]++;
      String prefix = "layer" + (stage + 1) + "/unit_" + units[stage] + "/";
      for (Map.Entry<String, NamedTensor> e : unit.entrySet()) model.put(prefix + e.getKey(), e.getValue());
      x = at(pos - 1).output();
    }
    int depth = depth(units, m);
    int last = channels("layer4/unit_1/conv2");
    x = batchNorm("bn2", x);
    Node flat = next("the flatten before the fully connected layer", "Flatten", "Reshape");
    expectInput(flat, 0, x);
    x = flat.output();
    int[] size = fullyConnected(x, last);
    if (pos < m.nodes().size()) throw off(at(pos), "nothing after the embedding", at(pos).op());
    float width = c0 / 64f;
    BackboneConfig cfg = new BackboneConfig(embeddingSize != null ? embeddingSize : size[0], 1f, width, 1f);
    ModelSpec spec = new ModelSpec("iresnet" + depth, size[1], cfg, 0f, standardization);
    Map<String, NamedTensor> named = new LinkedHashMap<>();
    for (Map.Entry<String, NamedTensor> e : model.entrySet()) {
      String path = "IResNet" + depth + "/" + e.getKey();
      named.put(path, new NamedTensor(path, e.getValue().shape(), e.getValue().values()));
    }
    return new Mapped(spec, named);
  }

  /** One IBasicBlock into {@code unit} (unit-relative paths); whether it halves the map (and so starts a stage). */
  private boolean unit(String in, Map<String, NamedTensor> unit) {
    out = unit;
    String r = batchNorm("preact", in);
    r = conv("conv1", r, 1);
    r = prelu("conv1", r, channels("conv1"));
    Node conv2 = at(pos);
    long stride = conv2.intsAttr("strides").isEmpty() ? 1 : conv2.intsAttr("strides").get(0);
    r = conv("conv2", r, stride);
    String shortcut = in;
    if (pos < m.nodes().size() && at(pos).op().equals("Conv") && at(pos).input(0).equals(in)) {
      shortcut = conv("shortcut", in, stride);
    } else if (stride != 1) {
      throw off(at(Math.min(pos, m.nodes().size() - 1)), "the shortcut Conv 1x1/2 on the unit's input", "no shortcut");
    }
    Node add = next("the residual Add", "Add");
    if (!(add.inputs().size() == 2 && add.inputs().contains(r) && add.inputs().contains(shortcut))) {
      throw off(add, "Add(" + r + ", " + shortcut + ")", "Add" + add.inputs());
    }
    out = model;
    return stride != 1;
  }

  private static int depth(int[] units, OnnxModel m) {
    for (int i = 0; i < UNITS.length; i++) if (Arrays.equals(UNITS[i], units)) return DEPTHS[i];
    throw new IllegalArgumentException(m.file() + ": not an insightface iresnet (unsupported architecture): "
        + (m.nodes().size() > 0 ? "up to " + m.nodes().get(0).describe() + "... " : "") + "units per stage " + Arrays.toString(units) + " are none of iresnet18/34/50/100's "
        + "[2, 2, 2, 2], [3, 4, 6, 3], [3, 4, 14, 3], [3, 13, 30, 3]");
  }

  /** Conv (+ a BatchNormalization node after it, folded in) at {@code path}; its output. */
  private String conv(String path, String in, long stride) {
    Node n = next("the convolution " + path, "Conv");
    expectInput(n, 0, in);
    NamedTensor w = m.tensor(n.input(1), n);
    if (w.shape().length != 4 || w.shape()[2] != w.shape()[3] || !(w.shape()[2] == 3 || w.shape()[2] == 1)) {
      throw off(n, "a 3x3 or 1x1 convolution weight [O, I, k, k]", "weight " + w.shapeText());
    }
    int o = (int) w.shape()[0];
    int i = (int) w.shape()[1];
    int k = (int) w.shape()[2];
    long pad = k / 2;
    if (n.intAttr("group", 1) != 1 || !ones(n.intsAttr("dilations")) || !all(n.intsAttr("strides"), stride)
        || !all(n.intsAttr("pads"), pad)) {
      throw off(n, "stride " + stride + ", padding " + pad + ", one group, no dilation", "strides "
          + n.intsAttr("strides") + ", pads " + n.intsAttr("pads") + ", group " + n.intAttr("group", 1)
          + ", dilations " + n.intsAttr("dilations"));
    }
    double[] scale = new double[o];
    double[] bias = new double[o];
    Arrays.fill(scale, 1.0);
    if (!n.input(2).isEmpty()) {
      float[] b = vector(m.tensor(n.input(2), n), o, n);
      for (int c = 0; c < o; c++) bias[c] = b[c];
    }
    String y = n.output();
    if (pos < m.nodes().size() && at(pos).op().equals("BatchNormalization") && at(pos).input(0).equals(y)) {
      Node bn = next("", "BatchNormalization");
      float[][] s = bnTensors(bn, o);
      double eps = bn.floatAttr("epsilon", 1e-5f);
      for (int c = 0; c < o; c++) {
        scale[c] = s[0][c] / Math.sqrt((double) s[3][c] + eps);
        bias[c] = (bias[c] - s[2][c]) * scale[c] + s[1][c];
      }
      y = bn.output();
    }
    float[] hwio = new float[w.values().length];
    float[] v = w.values();
    for (int oc = 0; oc < o; oc++) {
      for (int ic = 0; ic < i; ic++) {
        for (int kh = 0; kh < k; kh++) {
          for (int kw = 0; kw < k; kw++) {
            hwio[((kh * k + kw) * i + ic) * o + oc] = (float) (v[((oc * i + ic) * k + kh) * k + kw] * scale[oc]);
          }
        }
      }
    }
    put(path + "/weights", new long[] {k, k, i, o}, hwio);
    float[] beta = new float[o];
    for (int c = 0; c < o; c++) beta[c] = (float) bias[c];
    identityBatchNorm(path + "/BatchNorm", beta, true);
    return y;
  }

  /** A batch norm that passes x + beta: gamma 1, mean 0, variance 1 - epsilon. */
  private void identityBatchNorm(String path, float[] beta, boolean gamma) {
    int c = beta.length;
    put(path + "/beta", new long[] {c}, beta);
    if (gamma) put(path + "/gamma", new long[] {c}, filled(c, 1f));
    put(path + "/moving_mean", new long[] {c}, new float[c]);
    put(path + "/moving_variance", new long[] {c}, filled(c, (float) (1.0 - EPS)));
  }

  /** A BatchNormalization node at {@code path}/BatchNorm; its output. */
  private String batchNorm(String path, String in) {
    Node n = next("the batch norm " + path, "BatchNormalization");
    expectInput(n, 0, in);
    int c = (int) m.tensor(n.input(1), n).values().length;
    float[][] s = bnTensors(n, c);
    double eps = n.floatAttr("epsilon", 1e-5f);
    float[] var = new float[c];
    for (int k = 0; k < c; k++) var[k] = (float) (s[3][k] + eps - EPS);
    put(path + "/BatchNorm/beta", new long[] {c}, s[1]);
    put(path + "/BatchNorm/gamma", new long[] {c}, s[0]);
    put(path + "/BatchNorm/moving_mean", new long[] {c}, s[2]);
    put(path + "/BatchNorm/moving_variance", new long[] {c}, var);
    return n.output();
  }

  /** scale, bias, mean, variance of BatchNormalization node {@code n}, each of {@code c} values. */
  private float[][] bnTensors(Node n, int c) {
    float[][] s = new float[4][];
    for (int k = 0; k < 4; k++) s[k] = vector(m.tensor(n.input(k + 1), n), c, n);
    return s;
  }

  private String prelu(String path, String in, int c) {
    Node n = next("the PReLU of " + path, "PRelu");
    expectInput(n, 0, in);
    NamedTensor slope = m.tensor(n.input(1), n);
    float[] a = slope.values().length == 1 ? filled(c, slope.values()[0]) : vector(slope, c, n);
    put(path + "/alpha", new long[] {c}, a);
    return n.output();
  }

  /** Gemm (+ the features BN1d); {embedding size, input size}. */
  private int[] fullyConnected(String in, int channels) {
    Node n = next("the fully connected layer (Gemm)", "Gemm");
    expectInput(n, 0, in);
    if (n.floatAttr("alpha", 1f) != 1f || n.floatAttr("beta", 1f) != 1f || n.intAttr("transA", 0) != 0) {
      throw off(n, "Gemm with alpha 1, beta 1, transA 0", "other Gemm attributes");
    }
    NamedTensor w = m.tensor(n.input(1), n);
    boolean transB = n.intAttr("transB", 0) == 1;
    if (w.shape().length != 2) throw off(n, "a 2-D Gemm weight", "weight " + w.shapeText());
    int d = (int) w.shape()[transB ? 0 : 1];
    int f = (int) w.shape()[transB ? 1 : 0];
    int hw = f / channels;
    int side = (int) Math.round(Math.sqrt(hw));
    if (f % channels != 0 || side * side != hw) {
      throw off(n, "a Gemm over a square map of " + channels + " channels", "weight " + w.shapeText());
    }
    int image = imageSize(side, n);
    double[] scale = new double[d];
    double[] bias = new double[d];
    Arrays.fill(scale, 1.0);
    if (!n.input(2).isEmpty()) {
      float[] b = vector(m.tensor(n.input(2), n), d, n);
      for (int j = 0; j < d; j++) bias[j] = b[j];
    }
    if (pos < m.nodes().size() && at(pos).op().equals("BatchNormalization") && at(pos).input(0).equals(n.output())) {
      Node bn = next("", "BatchNormalization");
      float[][] s = bnTensors(bn, d);
      double eps = bn.floatAttr("epsilon", 1e-5f);
      for (int j = 0; j < d; j++) {
        scale[j] = s[0][j] / Math.sqrt((double) s[3][j] + eps);
        bias[j] = (bias[j] - s[2][j]) * scale[j] + s[1][j];
      }
    }
    float[] v = w.values();
    float[] hwc = new float[v.length];
    for (int c = 0; c < channels; c++) {
      for (int p = 0; p < hw; p++) {
        int src = c * hw + p;
        int dst = p * channels + c;
        for (int j = 0; j < d; j++) {
          float wv = transB ? v[j * f + src] : v[src * d + j];
          hwc[dst * d + j] = (float) (wv * scale[j]);
        }
      }
    }
    float[] b = new float[d];
    for (int j = 0; j < d; j++) b[j] = (float) bias[j];
    put("fc/weights", new long[] {f, d}, hwc);
    put("fc/biases", new long[] {d}, b);
    identityBatchNorm("features/BatchNorm", new float[d], false);
    return new int[] {d, image};
  }

  /** The graph input's side if declared (checked against the final map), else 16 x the final map's side. */
  private int imageSize(int side, Node gemm) {
    long[] s = m.inputShape();
    if (s == null || s.length != 4 || s[2] <= 0) return 16 * side;
    if (s[1] != 3 || s[2] != s[3]) {
      throw new IllegalArgumentException(m.file() + ": input '" + m.input() + "' has shape " + Arrays.toString(s)
          + ", not [N, 3, S, S]");
    }
    long h = s[2];
    for (int i = 0; i < 4; i++) h = (h + 1) / 2;
    if (h != side) throw off(gemm, "a Gemm over the " + h + " x " + h + " map of a " + s[2] + " px input", side + " x " + side);
    return (int) s[2];
  }

  private int channels(String path) {
    return (int) out.get(path + "/weights").shape()[3];
  }

  private Node at(int i) {
    return m.nodes().get(i);
  }

  private Node next(String what, String... ops) {
    if (pos >= m.nodes().size()) {
      throw new IllegalArgumentException(m.file() + ": the graph ends where an insightface iresnet has " + what);
    }
    Node n = at(pos);
    if (!Arrays.asList(ops).contains(n.op())) throw off(n, what + " (" + String.join(" or ", ops) + ")", n.op());
    pos++;
    return n;
  }

  private void expectInput(Node n, int i, String tensor) {
    if (!n.input(i).equals(tensor)) throw off(n, "input " + i + " '" + tensor + "'", "input " + i + " '" + n.input(i) + "'");
  }

  private IllegalArgumentException off(Node n, String expected, String got) {
    return new IllegalArgumentException(m.file() + ": not an insightface iresnet (unsupported architecture): "
        + n.describe() + " has " + got + " where an iresnet has " + expected);
  }

  private float[] vector(NamedTensor t, int c, Node n) {
    if (t.values().length != c) throw off(n, c + " values in '" + t.name() + "'", t.shapeText());
    return t.values();
  }

  private void put(String path, long[] shape, float[] v) {
    out.put(path, new NamedTensor(path, shape, v));
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }

  private static boolean ones(List<Long> v) {
    return all(v, 1);
  }

  private static boolean all(List<Long> v, long value) {
    return v.stream().allMatch(x -> x == value);
  }
}
