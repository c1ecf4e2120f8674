package org.facenet.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.facenet.nn.BackboneConfig;
import org.facenet.nn.EmbeddingModel;
import org.facenet.nn.Layers;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.facenet.nn.VariableStore;
import org.facenet.runtime.GraphDefs;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;

/**
 * The structural guarantee behind "any consumer of a SavedModel": every op of every exported signature, read from
 * the SavedModel's MetaGraphDef, is on {@link #PORTABLE}, a list of ops that all three of TF-Lite's converter with
 * builtin ops only (no Select TF ops), TensorFlow Serving and tf2onnx take; every node of the graph belongs to a
 * signature (no saver, no initialiser, no training leftovers); nothing is float64. One tiny model per backbone family
 * (and both standardisations), in both layouts: the default export (serving_default alone) and the TF Serving one
 * ({@link ServingLayout}: with embed_image_bytes, whose decoding ops may add {@link #IMAGE_BYTES}). A new op in a backbone fails here first: check it converts (tools/to_tflite.py) and
 * is in tf2onnx's support_status.md before adding it to the list.
 *
 * <p>Run with {@code -Dfacenet.serving-ops.dir=DIR} to keep the exported models in DIR (one folder per case), which
 * is how tools/to_tflite.py was run on exactly these graphs (docs/benchmarks.md).
 */
public class ServingGraphOpsTest {

  /**
   * Op type -> what TF-Lite's converter makes of it. TF Serving runs every one (it is TensorFlow's runtime), and every
   * one is in tf2onnx's support_status.md (opset 1-17; Fill from 7). Not on the list, each for a reason met before:
   * VariableV2 and any variable op (TF-Lite's converter cannot freeze TF1 variables: the weights are constants),
   * MaxPoolV2 (window as tensors: no TF-Lite builtin), Cast (the float64 normalisation used to need it; TF-Lite has
   * no float64 kernels), DecodeImage and the image-bytes ops (no TF-Lite builtin, no tf2onnx conversion: a signature
   * of its own, see {@link #IMAGE_BYTES}).
   */
  static final Map<String, String> PORTABLE = Map.ofEntries(
      Map.entry("Placeholder", "the signature's input"),
      Map.entry("Const", "the weights (named like the checkpoint's variables) and shape constants"),
      Map.entry("Identity", "the signature's named output; removed"),
      Map.entry("Conv2D", "CONV_2D, with the following BiasAdd/Add/Relu fused"),
      Map.entry("BiasAdd", "fused into CONV_2D / FULLY_CONNECTED, else ADD"),
      Map.entry("MatMul", "FULLY_CONNECTED"),
      Map.entry("Relu", "RELU, or fused into the layer before"),
      Map.entry("MaxPool", "MAX_POOL_2D"),
      Map.entry("Mean", "MEAN (global average pool, per-image standardisation, the L2 normalisation)"),
      Map.entry("ConcatV2", "CONCATENATION"),
      Map.entry("Pad", "PAD"),
      Map.entry("PadV2", "PADV2 (explicit zero padding of the ResNet families)"),
      Map.entry("Reshape", "RESHAPE"),
      Map.entry("Add", "ADD"),
      Map.entry("AddV2", "ADD"),
      Map.entry("Sub", "SUB, or folded into a constant"),
      Map.entry("Mul", "MUL"),
      Map.entry("Div", "DIV, or folded into a constant (fixed standardisation)"),
      Map.entry("RealDiv", "DIV"),
      Map.entry("Maximum", "MAXIMUM"),
      Map.entry("Rsqrt", "RSQRT"),
      Map.entry("Pow", "POW (MUL for a square)"),
      Map.entry("Sqrt", "SQRT"),
      Map.entry("Square", "SQUARE"),
      Map.entry("FusedBatchNormV3", "inference mode (IResNet's batch norms before a convolution): lowered to MUL, ADD"),
      Map.entry("Fill", "constant (a batch norm's unit gamma): folded"));

  /**
   * Ops the {@code embed_image_bytes} signature adds, in its graph and in its loop's functions: TF Serving runs them
   * (TensorFlow's own kernels); DecodeImage and ScaleAndTranslate have no TF-Lite builtin (the converter reports
   * ERROR_NEEDS_FLEX_OPS) and no tf2onnx conversion, so that signature is for TF Serving and TensorFlow only, and
   * is not in the default export.
   */
  static final Set<String> IMAGE_BYTES = Set.of("StatelessWhile", "Size", "Pack", "Less", "GatherV2", "DecodeImage",
      "Shape", "Slice", "Cast", "Min", "Neg", "ExpandDims", "ScaleAndTranslate", "TensorScatterUpdate");

  @TempDir
  Path dir;

  static List<ModelSpec> specs() {
    return List.of(ModelExporterTest.TINY,
        new ModelSpec("resnet18", 32, new BackboneConfig(8, 1f, 0.125f, 0.1f), 0f, Standardization.PER_IMAGE),
        new ModelSpec("iresnet18", 32, new BackboneConfig(8, 1f, 0.125f, 0.1f), 0f, Standardization.FIXED));
  }

  @ParameterizedTest
  @MethodSource("specs")
  void everyOpOfEverySignatureIsPortable(ModelSpec spec) throws Exception {
    String keep = System.getProperty("facenet.serving-ops.dir");
    Path base = (keep == null ? dir : Path.of(keep)).resolve(spec.backbone() + "-" + spec.standardization());
    Path checkpoint = randomCheckpoint(spec, dir.resolve("ckpt"));
    ModelExporter.export(spec, checkpoint, base.resolve("saved_model"), new ModelMetadata(spec));
    Path serving = ServingLayout.export(spec, checkpoint, base.resolve("serving"), new ModelMetadata(spec));
    // The default export: serving_default alone, so that TF-Lite's from_saved_model(dir) converts it unchanged.
    assertEquals(Set.of(ModelExporter.SIGNATURE), checkOps(spec, base.resolve("saved_model")));
    assertEquals(Set.of(ModelExporter.SIGNATURE, ModelExporter.BYTES_SIGNATURE), checkOps(spec, serving));
  }

  /** Checks the SavedModel in {@code saved} as the class comment says; returns its signatures' keys. */
  static Set<String> checkOps(ModelSpec spec, Path saved) throws Exception {
    MetaGraphDef meta = SavedModel.parseFrom(Files.readAllBytes(saved.resolve("saved_model.pb"))).getMetaGraphs(0);
    assertEquals(List.of(ModelExporter.TAG), meta.getMetaInfoDef().getTagsList());
    Map<String, NodeDef> nodes = new HashMap<>();
    for (NodeDef n : meta.getGraphDef().getNodeList()) nodes.put(n.getName(), n);
    Map<String, FunctionDef> functions = new HashMap<>();
    for (FunctionDef f : meta.getGraphDef().getLibrary().getFunctionList()) functions.put(f.getSignature().getName(), f);

    Set<String> covered = new HashSet<>();
    for (Map.Entry<String, SignatureDef> sig : meta.getSignatureDefMap().entrySet()) {
      Set<String> reached = reachable(meta.getGraphDef(), sig.getValue());
      covered.addAll(reached);
      Set<String> allowed = new HashSet<>(PORTABLE.keySet());
      if (!sig.getKey().equals(ModelExporter.SIGNATURE)) allowed.addAll(IMAGE_BYTES);
      List<NodeDef> used = new java.util.ArrayList<>();
      for (String name : reached) used.add(nodes.get(name));
      // ... and the nodes of the functions they call (a loop's condition and body), transitively.
      Deque<NodeDef> calls = new ArrayDeque<>(used);
      Set<String> seenFunctions = new HashSet<>();
      while (!calls.isEmpty()) {
        for (AttrValue a : calls.pop().getAttrMap().values()) {
          if (!a.hasFunc() || !seenFunctions.add(a.getFunc().getName())) continue;
          FunctionDef f = functions.get(a.getFunc().getName());
          assertTrue(f != null, "function " + a.getFunc().getName() + " is not in the graph's library");
          used.addAll(f.getNodeDefList());
          calls.addAll(f.getNodeDefList());
        }
      }
      Set<String> outside = new TreeSet<>();
      for (NodeDef n : used) {
        if (!allowed.contains(n.getOp())) outside.add(n.getOp() + " (" + n.getName() + ")");
        for (AttrValue a : n.getAttrMap().values()) {
          assertTrue(a.getType() != DataType.DT_DOUBLE && !a.getList().getTypeList().contains(DataType.DT_DOUBLE),
              spec.backbone() + ": float64 in " + n.getOp() + " " + n.getName());
        }
      }
      assertTrue(outside.isEmpty(), spec.backbone() + " signature " + sig.getKey() + " has ops off the list: " + outside);
    }
    Set<String> dead = new TreeSet<>(nodes.keySet());
    dead.removeAll(covered);
    assertTrue(dead.isEmpty(), spec.backbone() + ": nodes no signature uses: " + dead);
    return meta.getSignatureDefMap().keySet();
  }

  /** The nodes {@code sig}'s outputs depend on (data and control inputs), its inputs included. */
  static Set<String> reachable(GraphDef graph, SignatureDef sig) {
    return GraphDefs.ancestors(graph, sig.getOutputsMap().values().stream().map(t -> GraphDefs.nodeName(t.getName()))
        .toList());
  }

  /** A checkpoint of {@code spec}'s unfolded inference tower at its random initial values. */
  static Path randomCheckpoint(ModelSpec spec, Path dir) throws Exception {
    Files.createDirectories(dir);
    Path prefix = dir.resolve("model");
    int s = spec.imageSize();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      EmbeddingModel.build(Layers.tower(new VariableStore(tf, 7), false, 0f, Layers.BatchNormConfig.FACENET),
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3))), spec);
      try (Session session = new Session(g)) {
        session.initialize();
        session.save(prefix.toString());
      }
    }
    return prefix;
  }
}
