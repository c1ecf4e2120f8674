package org.facenet.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.facenet.interop.onnx.Onnx;

/**
 * A small insightface iresnet18 (reduced width, small input) written as an ONNX model through the generated classes,
 * in the layout torch's TorchScript exporter gives arcface_torch's iresnet (torch2onnx.py, opset 11; checked against
 * torch 2.13's export): every Conv carries its batch norm folded in as a bias under an anonymous name
 * ({@code onnx::Conv_N}); the pre-activation batch norms and bn2 stay BatchNormalization nodes under module names;
 * PRelu slopes are [C, 1, 1]; Flatten, Gemm (transB 1), and the features BN1d as a BatchNormalization node. Shared
 * initializers are aliased with Identity nodes as torch does; the PReLU slopes are written as float_data, the rest as
 * little-endian raw_data.
 */
public final class OnnxFixtures {

  static final String INPUT = "data";
  static final String OUTPUT = "267";

  private final Random rnd;
  private final boolean bnNodes;
  private final Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("main_graph");
  private int anonymous = 269;
  private String x = INPUT;

  private OnnxFixtures(long seed, boolean bnNodes) {
    rnd = new Random(seed);
    this.bnNodes = bnNodes;
  }

  /** iresnet18 with stem channels {@code c0} (64 at width 1), input {@code image} px, {@code embedding}-D output. */
  public static Onnx.ModelProto iresnet18(int c0, int image, int embedding, long seed) {
    return new OnnxFixtures(seed, false).build(c0, image, embedding);
  }

  /** The same with every convolution's batch norm left a BatchNormalization node after a bias-free Conv (unfolded). */
  static Onnx.ModelProto iresnet18Unfolded(int c0, int image, int embedding, long seed) {
    return new OnnxFixtures(seed, true).build(c0, image, embedding);
  }

  /**
   * {@code m} with every raw_data initializer moved to {@code dir/data} (ONNX's external data: location, offset,
   * length), as torch's dynamo exporter stores weights.
   */
  static Onnx.ModelProto externalised(Onnx.ModelProto m, java.nio.file.Path dir, String data) throws java.io.IOException {
    Onnx.GraphProto.Builder g = m.getGraph().toBuilder();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      Onnx.TensorProto t = g.getInitializer(i);
      if (t.getRawData().isEmpty()) continue;
      long offset = bytes.size();
      t.getRawData().writeTo(bytes);
      g.setInitializer(i, t.toBuilder().clearRawData().setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
          .addExternalData(entry("location", data)).addExternalData(entry("offset", Long.toString(offset)))
          .addExternalData(entry("length", Integer.toString(t.getRawData().size()))));
    }
    java.nio.file.Files.write(dir.resolve(data), bytes.toByteArray());
    return m.toBuilder().setGraph(g).build();
  }

  private static Onnx.StringStringEntryProto entry(String k, String v) {
    return Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  private Onnx.ModelProto build(int c0, int image, int embedding) {
    g.addInput(valueInfo(INPUT, 1, 3, image, image));
    String prelu0 = "onnx::PRelu_" + (anonymous + 1000);
    x = conv("/conv1/Conv", x, 3, c0, 3, 1);
    x = prelu("/prelu/PRelu", x, c0, prelu0);
    int in = c0;
    int side = image;
    int[] planes = {c0, 2 * c0, 4 * c0, 8 * c0};
    for (int stage = 0; stage < 4; stage++) {
      for (int u = 0; u < 2; u++) {
        String scope = "/layer" + (stage + 1) + "/layer" + (stage + 1) + "." + u;
        String module = "layer" + (stage + 1) + "." + u + ".bn1";
        String unitIn = x;
        String r = batchNorm(scope + "/bn1/BatchNormalization", x, in, module);
        r = conv(scope + "/conv1/Conv", r, in, planes[stage], 3, 1);
        r = prelu(scope + "/prelu/PRelu", r, planes[stage], null);
        int stride = u == 0 ? 2 : 1;
        r = conv(scope + "/conv2/Conv", r, planes[stage], planes[stage], 3, stride);
        String shortcut = u == 0 ? conv(scope + "/downsample/downsample.0/Conv", unitIn, in, planes[stage], 1, 2) : unitIn;
        x = node("Add", scope + "/Add", List.of(r, shortcut), List.of());
        in = planes[stage];
      }
      side = (side + 1) / 2;
    }
    x = batchNorm("/bn2/BatchNormalization", x, in, "bn2");
    x = node("Flatten", "/Flatten", List.of(x), List.of(intAttr("axis", 1)));
    int f = in * side * side;
    g.addInitializer(raw("fc.weight", normal(embedding * f, Math.sqrt(1.0 / f)), embedding, f));
    g.addInitializer(raw("fc.bias", uniform(embedding, -0.1, 0.1), embedding));
    x = node("Gemm", "/fc/Gemm", List.of(x, "fc.weight", "fc.bias"),
        List.of(floatAttr("alpha", 1f), floatAttr("beta", 1f), intAttr("transB", 1)));
    String out = batchNormTo("/features/BatchNormalization", x, embedding, "features", OUTPUT);
    g.addOutput(valueInfo(out, 1, embedding));
    return Onnx.ModelProto.newBuilder().setIrVersion(6).setProducerName("pytorch").setProducerVersion("2.13.0")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(11)).setGraph(g).build();
  }

  private String conv(String name, String in, int cin, int cout, int k, int stride) {
    String w = "onnx::Conv_" + anonymous++;
    String b = "onnx::Conv_" + anonymous++;
    g.addInitializer(raw(w, normal(cout * cin * k * k, Math.sqrt(2.0 / (cin * k * k))), cout, cin, k, k));
    int p = k / 2;
    List<Onnx.AttributeProto> attrs = List.of(intsAttr("dilations", 1, 1), intAttr("group", 1),
        intsAttr("kernel_shape", k, k), intsAttr("pads", p, p, p, p), intsAttr("strides", stride, stride));
    if (bnNodes) {
      String y = node("Conv", name, List.of(in, w), attrs);
      return batchNorm(name.replace("/Conv", "/bn/BatchNormalization"), y, cout, "bn" + anonymous++);
    }
    g.addInitializer(raw(b, uniform(cout, -0.1, 0.1), cout));
    return node("Conv", name, List.of(in, w, b), attrs);
  }

  /** PRelu with a slope [C, 1, 1] as float_data; {@code shared} non-null: read through an Identity alias of it. */
  private String prelu(String name, String in, int c, String shared) {
    String slope = "onnx::PRelu_" + anonymous++;
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(shared != null ? shared : slope)
        .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).addDims(c).addDims(1).addDims(1);
    for (float v : uniform(c, 0.0, 0.5)) t.addFloatData(v);
    g.addInitializer(t);
    if (shared != null) node("Identity", "", List.of(shared), List.of(), slope);
    return node("PRelu", name, List.of(in, slope), List.of());
  }

  private String batchNorm(String name, String in, int c, String module) {
    return batchNormTo(name, in, c, module, name + "_output_0");
  }

  private String batchNormTo(String name, String in, int c, String module, String out) {
    g.addInitializer(raw(module + ".weight", uniform(c, 0.5, 1.5), c));
    g.addInitializer(raw(module + ".bias", uniform(c, -0.1, 0.1), c));
    g.addInitializer(raw(module + ".running_mean", uniform(c, -0.1, 0.1), c));
    g.addInitializer(raw(module + ".running_var", uniform(c, 0.5, 1.5), c));
    return node("BatchNormalization", name, List.of(in, module + ".weight", module + ".bias", module + ".running_mean",
        module + ".running_var"), List.of(floatAttr("epsilon", 1e-5f), floatAttr("momentum", 0.9f)), out);
  }

  private String node(String op, String name, List<String> in, List<Onnx.AttributeProto> attrs) {
    return node(op, name, in, attrs, name + "_output_0");
  }

  private String node(String op, String name, List<String> in, List<Onnx.AttributeProto> attrs, String out) {
    g.addNode(Onnx.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addOutput(out)
        .addAllAttribute(attrs));
    return out;
  }

  static Onnx.TensorProto raw(String name, float[] v, long... dims) {
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
        .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).setRawData(OnnxModel.rawData(v));
    for (long d : dims) t.addDims(d);
    return t.build();
  }

  static Onnx.ValueInfoProto valueInfo(String name, long... dims) {
    Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
    for (long d : dims) s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(
        Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
  }

  static Onnx.AttributeProto intAttr(String name, long v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
  }

  static Onnx.AttributeProto floatAttr(String name, float v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v).build();
  }

  static Onnx.AttributeProto intsAttr(String name, long... v) {
    Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
        .setType(Onnx.AttributeProto.AttributeType.INTS);
    for (long x : v) a.addInts(x);
    return a.build();
  }

  private float[] uniform(int n, double lo, double hi) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
    return v;
  }

  private float[] normal(int n, double std) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * std);
    return v;
  }

  /** The nodes of {@code m} as a list (for tests that edit the graph). */
  static List<Onnx.NodeProto> nodes(Onnx.ModelProto m) {
    return new ArrayList<>(m.getGraph().getNodeList());
  }
}
