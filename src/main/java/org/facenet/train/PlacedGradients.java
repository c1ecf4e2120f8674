package org.facenet.train;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.IntPointer;
import org.facenet.runtime.GraphDefs;
import org.facenet.runtime.NativeGraphs;
import org.bytedeco.javacpp.PointerPointer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.internal.c_api.TF_Buffer;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_ImportGraphDefOptions;
import org.tensorflow.internal.c_api.TF_ImportGraphDefResults;
import org.tensorflow.internal.c_api.TF_Operation;
import org.tensorflow.internal.c_api.TF_Output;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Gradients whose ops are on a chosen device. TensorFlow Java's {@code Graph.addGradients} (the C API's
 * {@code TF_AddGradientsWithPrefix}) gives the gradient ops no device, whatever the scope's, so the placer would put
 * every replica's backward pass on the default device. Here the same gradients are computed in a scratch graph, an
 * import of the graph under the same names with the same prefix (so the same ops, names and custom gradients, e.g.
 * CollectiveReduceV2's); its new nodes, the gradient subgraph, get the device (a node that already has one keeps it)
 * and only they are imported into the graph through the C API, every input from outside them mapped to the graph's
 * node of that name. The graph's native handle comes from {@link NativeGraphs}.
 */
public final class PlacedGradients {

  private PlacedGradients() {}

  /**
   * The gradients of {@code y} with respect to {@code xs}, as {@code tf.gradients(y, xs)} computes them (the same
   * ops, under the prefix {@code tf.gradients} would take), every op that has no device on {@code device}.
   */
  public static List<Output<?>> of(Ops tf, Operand<?> y, List<? extends Operand<?>> xs, String device) {
    Graph graph = (Graph) tf.scope().env();
    String prefix = tf.scope().makeOpName("Gradients");
    GraphDef before = graph.toGraphDef();
    Set<String> existing = new HashSet<>();
    for (NodeDef n : before.getNodeList()) existing.add(n.getName());
    List<String[]> dys = new ArrayList<>();
    GraphDef.Builder added = GraphDef.newBuilder().setVersions(before.getVersions());
    try (Graph scratch = new Graph()) {
      scratch.importGraphDef(ancestors(before, y, xs));
      Output<?>[] x = new Output<?>[xs.size()];
      for (int i = 0; i < x.length; i++) x[i] = same(scratch, xs.get(i).asOutput());
      Output<?>[] dy = scratch.addGradients(prefix, new Output<?>[] {same(scratch, y.asOutput())}, x, null);
      for (Output<?> d : dy) dys.add(new String[] {d.op().name(), Integer.toString(d.index())});
      for (NodeDef n : scratch.toGraphDef().getNodeList()) {
        if (existing.contains(n.getName())) continue;
        added.addNode(n.getDevice().isEmpty() ? n.toBuilder().setDevice(device).build() : n);
      }
    }
    importInto(graph, added.build());
    List<Output<?>> out = new ArrayList<>();
    for (String[] d : dys) out.add(graph.operationOrThrow(d[0]).output(Integer.parseInt(d[1])));
    return out;
  }

  /**
   * The nodes of {@code def} that {@code y} and {@code xs} depend on (data and control inputs), all the gradients can
   * involve: the scratch graph needs no other (the other replicas, the evaluation towers).
   */
  static GraphDef ancestors(GraphDef def, Operand<?> y, List<? extends Operand<?>> xs) {
    List<String> roots = new ArrayList<>();
    roots.add(y.op().name());
    for (Operand<?> x : xs) roots.add(x.op().name());
    Set<String> keep = GraphDefs.ancestors(def, roots);
    GraphDef.Builder out = def.toBuilder().clearNode();
    for (NodeDef n : def.getNodeList()) if (keep.contains(n.getName())) out.addNode(n);
    return out.build();
  }

  /** {@code o}'s output of the same name in {@code g}. */
  private static Output<?> same(Graph g, Output<?> o) {
    return g.operationOrThrow(o.op().name()).output(o.index());
  }

  /**
   * Imports {@code nodes} into {@code graph} under their names; an input (data or control) from a node not among them
   * is the graph's node of that name.
   */
  static void importInto(Graph graph, GraphDef nodes) {
    Set<String> names = new HashSet<>();
    for (NodeDef n : nodes.getNodeList()) names.add(n.getName());
    Map<String, Integer> data = new LinkedHashMap<>(); // "name:index" of every outside input -> its index
    Set<String> control = new LinkedHashSet<>();
    for (NodeDef n : nodes.getNodeList()) {
      for (String input : n.getInputList()) {
        if (input.startsWith("^")) {
          if (!names.contains(input.substring(1))) control.add(input.substring(1));
          continue;
        }
        String source = GraphDefs.nodeName(input);
        int index = source.length() == input.length() ? 0 : Integer.parseInt(input.substring(source.length() + 1));
        if (!names.contains(source)) data.put(source + ":" + index, index);
      }
    }
    NativeGraphs.withHandle(graph, "--replicas (to place each replica's gradients on its device)", handle -> {
      TF_Status status = TF_Status.newStatus();
      TF_ImportGraphDefOptions options = TF_ImportGraphDefOptions.newImportGraphDefOptions();
      for (var e : data.entrySet()) {
        String source = e.getKey().substring(0, e.getKey().lastIndexOf(':'));
        TF_Output dst = new TF_Output().oper(operation(handle, source)).index(e.getValue());
        tensorflow.TF_ImportGraphDefOptionsAddInputMapping(options, source, e.getValue(), dst);
      }
      for (String source : control) {
        tensorflow.TF_ImportGraphDefOptionsRemapControlDependency(options, source, operation(handle, source));
      }
      TF_Buffer buffer = TF_Buffer.newBufferFromString(nodes);
      TF_ImportGraphDefResults results = tensorflow.TF_GraphImportGraphDefWithResults(handle, buffer, options, status);
      status.throwExceptionIfNotOK();
      IntPointer missing = new IntPointer(1);
      tensorflow.TF_ImportGraphDefResultsMissingUnusedInputMappings(results, missing, new PointerPointer<>(1),
          new PointerPointer<>(1));
      int unused = missing.get();
      tensorflow.TF_DeleteImportGraphDefResults(results);
      if (unused != 0) throw new IllegalStateException(unused + " input mappings of the gradient import were unused");
      return null;
    });
  }

  private static TF_Operation operation(TF_Graph handle, String name) {
    TF_Operation op = tensorflow.TF_GraphOperationByName(handle, name);
    if (op == null || op.isNull()) throw new IllegalStateException("the graph has no operation " + name);
    return op;
  }
}
