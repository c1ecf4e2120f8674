package org.facenet.interop;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * A frozen TensorFlow graph (a GraphDef whose variables became Const nodes of the same names, as facenet's
 * freeze_graph.py writes it), parsed with TensorFlow's protobuf classes; the constants asked for are copied into
 * a graph of their own and evaluated by TensorFlow, whatever the encoding of their values.
 */
public final class FrozenGraphTensors implements TensorSource {

  private final Path file;
  private final Map<String, NodeDef> constants = new HashMap<>();
  private final GraphDef graph;

  private FrozenGraphTensors(Path file, GraphDef graph) {
    this.file = file;
    this.graph = graph;
    for (NodeDef n : graph.getNodeList()) if (n.getOp().equals("Const")) constants.put(n.getName(), n);
  }

  /** Parses {@code file}; a file that is not a GraphDef is an IOException naming it. */
  public static FrozenGraphTensors open(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    GraphDef g;
    try {
      g = GraphDef.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IOException(file + ": not a TensorFlow GraphDef (" + e.getMessage() + ")");
    }
    return new FrozenGraphTensors(file, g);
  }

  /**
   * The constants of the graph inside a SavedModel ({@code saved_model.pb}'s first MetaGraphDef): a model exported
   * with its weights as constants rather than variables.
   */
  public static FrozenGraphTensors ofSavedModel(Path savedModelPb) throws IOException {
    try {
      org.tensorflow.proto.SavedModel sm = org.tensorflow.proto.SavedModel.parseFrom(Files.readAllBytes(savedModelPb));
      if (sm.getMetaGraphsCount() == 0) throw new IOException(savedModelPb + ": a SavedModel without a graph");
      return new FrozenGraphTensors(savedModelPb, sm.getMetaGraphs(0).getGraphDef());
    } catch (InvalidProtocolBufferException e) {
      throw new IOException(savedModelPb + ": not a SavedModel (" + e.getMessage() + ")");
    }
  }

  /** The parsed graph. */
  public GraphDef graphDef() {
    return graph;
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public String kind() {
    return "tensorflow-frozen-graph";
  }

  @Override
  public List<Path> files() {
    return List.of(file);
  }

  /** The shape of Const node {@code name}, or null if the graph has no such constant. */
  public long[] shape(String name) {
    NodeDef n = constants.get(name);
    if (n == null) return null;
    TensorShapeProto s = n.getAttrOrDefault("value", AttrValue.getDefaultInstance()).getTensor().getTensorShape();
    long[] out = new long[s.getDimCount()];
    for (int i = 0; i < out.length; i++) out[i] = s.getDim(i).getSize();
    return out;
  }

  @Override
  public Map<String, NamedTensor> read(List<String> names) throws IOException {
    GraphDef.Builder only = GraphDef.newBuilder().setVersions(graph.getVersions());
    List<String> present = new ArrayList<>();
    for (String name : names) {
      NodeDef n = constants.get(name);
      if (n == null) continue;
      DataType dtype = n.getAttrOrDefault("dtype", AttrValue.getDefaultInstance()).getType();
      if (dtype != DataType.DT_FLOAT) {
        throw new IOException(file + ": constant " + name + " is " + dtype + ", not float32");
      }
      only.addNode(n.toBuilder().clearDevice());
      present.add(name);
    }
    Map<String, NamedTensor> out = new LinkedHashMap<>();
    if (present.isEmpty()) return out;
    try (Graph g = new Graph()) {
      g.importGraphDef(only.build());
      try (Session session = new Session(g)) {
        Session.Runner runner = session.runner();
        for (String name : present) runner.fetch(name);
        try (Result r = runner.run()) {
          for (int i = 0; i < present.size(); i++) {
            TFloat32 t = (TFloat32) r.get(i);
            float[] v = new float[Math.toIntExact(t.shape().size())];
            t.copyTo(DataBuffers.of(v, false, false));
            out.put(present.get(i), new NamedTensor(present.get(i), t.shape().asArray(), v));
          }
        }
      }
    } catch (IllegalArgumentException | TensorFlowException e) {
      throw new IOException(file + ": its constants cannot be read: " + CheckpointTensors.firstLine(e.getMessage()), e);
    }
    return out;
  }
}
