package org.facenet.interop;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.facenet.interop.onnx.Onnx;

/**
 * An ONNX model file read with the protobuf classes generated from src/main/proto/onnx.proto: its float32
 * initializers (raw_data little-endian or float_data; also Constant nodes' values) and its nodes in graph order,
 * with {@code Identity} nodes (torch's exporter aliases shared initializers with them) and inference-time no-ops
 * ({@code Dropout}) resolved away, so that a node's input names the tensor that really feeds it.
 */
public final class OnnxModel {

  /** One node: its op, name, inputs (aliases resolved), outputs and attributes. */
  public record Node(int index, String op, String name, List<String> inputs, List<String> outputs,
      Map<String, Onnx.AttributeProto> attributes) {

    public String describe() {
      return "node #" + index + " " + (name.isEmpty() ? "" : "'" + name + "' ") + "(" + op + ")";
    }

    public String input(int i) {
      return i < inputs.size() ? inputs.get(i) : "";
    }

    public String output() {
      return outputs.isEmpty() ? "" : outputs.get(0);
    }

    public long intAttr(String key, long fallback) {
      Onnx.AttributeProto a = attributes.get(key);
      return a == null ? fallback : a.getI();
    }

    public float floatAttr(String key, float fallback) {
      Onnx.AttributeProto a = attributes.get(key);
      return a == null ? fallback : a.getF();
    }

    public List<Long> intsAttr(String key) {
      Onnx.AttributeProto a = attributes.get(key);
      return a == null ? List.of() : a.getIntsList();
    }
  }

  private static final Set<String> PASS_THROUGH = Set.of("Identity", "Dropout");

  private final Path file;
  /** Parsed from a cut file: a missing initializer is one the cut took away. */
  private final boolean partial;
  private final Map<String, Onnx.TensorProto> initializers = new HashMap<>();
  private final List<Node> nodes = new ArrayList<>();
  private final String input;
  private final long[] inputShape;
  private final Map<String, NamedTensor> decoded = new HashMap<>();
  private final java.util.Set<Path> externalFiles = new java.util.LinkedHashSet<>();

  private OnnxModel(Path file, Onnx.GraphProto g, boolean partial) {
    this.file = file;
    this.partial = partial;
    for (Onnx.TensorProto t : g.getInitializerList()) initializers.put(t.getName(), t);
    Map<String, String> alias = new HashMap<>();
    int index = 0;
    for (Onnx.NodeProto n : g.getNodeList()) {
      Map<String, Onnx.AttributeProto> attrs = new HashMap<>();
      for (Onnx.AttributeProto a : n.getAttributeList()) attrs.put(a.getName(), a);
      List<String> in = n.getInputList().stream().map(s -> alias.getOrDefault(s, s)).toList();
      if (n.getOpType().equals("Constant") && attrs.containsKey("value") && n.getOutputCount() == 1) {
        initializers.put(n.getOutput(0), attrs.get("value").getT());
      } else if (PASS_THROUGH.contains(n.getOpType()) && !in.isEmpty()) {
        for (String out : n.getOutputList()) alias.put(out, in.get(0));
      } else {
        nodes.add(new Node(index, n.getOpType(), n.getName(), in, n.getOutputList(), Map.copyOf(attrs)));
      }
      index++;
    }
    Onnx.ValueInfoProto first = g.getInputList().stream().filter(v -> !initializers.containsKey(v.getName()))
        .findFirst().orElse(null);
    // Without declared inputs (a cut file: they come after the initializers), the first node's first input.
    input = first != null ? first.getName() : nodes.isEmpty() ? "" : nodes.get(0).input(0);
    long[] shape = null;
    if (first != null && first.getType().hasTensorType()) {
      List<Onnx.TensorShapeProto.Dimension> dims = first.getType().getTensorType().getShape().getDimList();
      shape = dims.stream().mapToLong(d -> d.hasDimValue() ? d.getDimValue() : -1).toArray();
    }
    inputShape = shape;
  }

  /**
   * Reads {@code file}. A file that protobuf cannot parse (not ONNX, truncated inside a message) or whose model has
   * no graph is an IOException naming it.
   */
  public static OnnxModel read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
    byte[] bytes = Files.readAllBytes(file);
    Onnx.ModelProto m;
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.setSizeLimit(Integer.MAX_VALUE);
      m = Onnx.ModelProto.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      Onnx.GraphProto partial = partialGraph(bytes);
      throw new Unreadable(file, e.getMessage(), partial != null && partial.getNodeCount() > 0
          ? new OnnxModel(file, partial, true) : null);
    }
    if (!m.hasGraph() || m.getGraph().getNodeCount() == 0) {
      throw new IOException(file + ": not an ONNX model (no graph with nodes in it)");
    }
    return new OnnxModel(file, m.getGraph(), false);
  }

  /**
   * The part of a cut ModelProto's graph (field 7) that parses: protobuf keeps a message's completed repeated
   * elements (nodes, initializers) in the unfinished message it reports. Null if there is none.
   */
  private static Onnx.GraphProto partialGraph(byte[] bytes) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.setSizeLimit(Integer.MAX_VALUE);
      for (int tag; (tag = in.readTag()) != 0; ) {
        if (tag >>> 3 != 7) {
          in.skipField(tag);
          continue;
        }
        in.readRawVarint32();
        int offset = in.getTotalBytesRead();
        try {
          return Onnx.GraphProto.parser().parsePartialFrom(bytes, offset, bytes.length - offset);
        } catch (InvalidProtocolBufferException e) {
          return e.getUnfinishedMessage() instanceof Onnx.GraphProto g ? g : null;
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  /**
   * A file protobuf cannot parse to its end (truncated or not ONNX), with what it parsed before the problem (the
   * nodes, which torch writes first, and the initializers before the cut), if that much is a graph.
   */
  public static final class Unreadable extends IOException {
    private final transient OnnxModel partial;

    Unreadable(Path file, String problem, OnnxModel partial) {
      super(file + ": not a readable ONNX model (truncated, or not ONNX: " + problem + ")");
      this.partial = partial;
    }

    /** The graph read before the problem, or null. */
    public OnnxModel partial() {
      return partial;
    }
  }

  public Path file() {
    return file;
  }

  /** The nodes in graph order (Identity, Dropout and Constant nodes resolved away). */
  public List<Node> nodes() {
    return nodes;
  }

  /** The graph's first input that is not an initializer ("data" in arcface_torch's export). */
  public String input() {
    return input;
  }

  /** Its declared shape (-1 for a symbolic dimension), or null if it declares none. */
  public long[] inputShape() {
    return inputShape;
  }

  public boolean isInitializer(String name) {
    return initializers.containsKey(name);
  }

  /**
   * The float32 initializer (or Constant) {@code name} in ONNX's own shape, decoded from raw_data (little-endian)
   * or float_data; {@code usedBy} is named in the error if it is missing, of another type, stored outside the
   * file, or short of values (a truncated file).
   */
  public NamedTensor tensor(String name, Node usedBy) {
    NamedTensor cached = decoded.get(name);
    if (cached != null) return cached;
    Onnx.TensorProto t = initializers.get(name);
    String where = file + ": " + usedBy.describe() + " input '" + name + "'";
    if (t == null) {
      throw new IllegalArgumentException(where + (partial ? " is missing (the file ends before it)"
          : " is not an initializer (an unsupported architecture?)"));
    }
    if (t.getDataType() != Onnx.TensorProto.DataType.FLOAT_VALUE) {
      throw new IllegalArgumentException(where + " has ONNX data type " + t.getDataType() + ", not float32 (1)");
    }
    long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    long n = 1;
    for (long d : shape) n *= d;
    float[] v;
    ByteString raw = t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL ? external(t, n * 4, where)
        : t.getRawData();
    if (!raw.isEmpty()) {
      if (raw.size() != n * 4) {
        throw new IllegalArgumentException(where + ": " + raw.size() + " bytes of raw data for shape "
            + java.util.Arrays.toString(shape) + " (" + n * 4 + " expected; a truncated file?)");
      }
      v = new float[(int) n];
      raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    } else {
      if (t.getFloatDataCount() != n) {
        throw new IllegalArgumentException(where + ": " + t.getFloatDataCount() + " values for shape "
            + java.util.Arrays.toString(shape) + " (" + n + " expected; a truncated file?)");
      }
      v = new float[(int) n];
      for (int i = 0; i < n; i++) v[i] = t.getFloatData(i);
    }
    NamedTensor out = new NamedTensor(name, shape, v);
    decoded.put(name, out);
    return out;
  }

  /**
   * The bytes of an initializer stored in an external data file (ONNX's external_data: location, offset, length;
   * torch's dynamo exporter writes MODEL.onnx.data), which must lie in the model's folder.
   */
  private ByteString external(Onnx.TensorProto t, long bytes, String where) {
    String location = null;
    long offset = 0;
    long length = bytes;
    for (Onnx.StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = Long.parseLong(e.getValue());
        case "length" -> length = Long.parseLong(e.getValue());
        default -> { }
      }
    }
    Path dir = file.toAbsolutePath().getParent();
    Path data = location == null ? null : dir.resolve(location).normalize();
    if (data == null || !dir.equals(data.getParent())) {
      throw new IllegalArgumentException(where + " is stored in an external data file '" + location
          + "' that is not beside the model");
    }
    externalFiles.add(data);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(data)) {
      ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(Math.min(length, bytes)));
      while (b.hasRemaining() && ch.read(b, offset + b.position()) > 0) { }
      b.flip();
      return ByteString.copyFrom(b);
    } catch (IOException e) {
      throw new IllegalArgumentException(where + " cannot be read from " + data + ": " + e.getMessage(), e);
    }
  }

  /** The external data files the initializers read so far came from (hashed into the metadata with the model). */
  public List<Path> externalFiles() {
    return List.copyOf(externalFiles);
  }

  /** Little-endian float32 bytes, as ONNX's raw_data holds them (for writers such as the tests' fixtures). */
  public static ByteString rawData(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return ByteString.copyFrom(b.array());
  }
}
