package org.facenet.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.op.core.Assign;
import org.tensorflow.proto.DataType;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The model's variables, created once by their path ("InceptionResnetV1/Conv2d_1a_3x3/weights") and
 * handed out again to every tower that asks for the same path. The training tower and the inference
 * tower of one graph therefore share weights, and a graph rebuilt from the same code restores the same
 * names from a checkpoint. Variables are named exactly by their path (TF Python's layout: slots such as
 * "path/Adam" sit below their variable), bypassing TF Java's scope uniquifier, which would rename them.
 */
public final class VariableStore {

  /** A variable and what the trainer needs to know about it. */
  /**
   * @param variable the VariableV2 op, for the ops that write it (assign, optimizer updates); null in a store of
   *                 {@link #constants}
   * @param read     its value ("path/read", an Identity; the Const node itself in a store of constants): every layer reads through it and gradients are taken
   *                 with respect to it, as TF1 Python does (TF Java's gradient builder crashes on the ref output)
   * @param initialValue the value its initialiser ("path/Assign") writes; feeding it sets the variable to any value
   *                 (null for a constant)
   */
  public record Entry(String path, Variable<TFloat32> variable, Operand<TFloat32> read, long[] shape,
      boolean trainable, Operand<TFloat32> initialValue) {
    public long size() {
      long n = 1;
      for (long d : shape) n *= d;
      return n;
    }
  }

  private final Ops root;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final long seed;
  private long nextSeed;
  private final Map<String, float[]> constants;

  public VariableStore(Ops root, long seed) {
    this(root, seed, null);
  }

  private VariableStore(Ops root, long seed, Map<String, float[]> constants) {
    this.root = root;
    this.seed = seed;
    this.nextSeed = seed;
    this.constants = constants;
  }

  /**
   * A store of constants for a deployment graph: every "variable" is a {@code Const} node named exactly by its path
   * (as TF1's freeze_graph names them), holding its value from {@code values} (flat, row-major; a path without a
   * value is an error). Its entries have no {@link Entry#variable()} and no initial value: nothing can assign them.
   */
  public static VariableStore constants(Ops root, Map<String, float[]> values) {
    return new VariableStore(root, 0, Map.copyOf(values));
  }

  public Ops root() {
    return root;
  }

  /** The graph-level seed this store derives its per-variable initialiser seeds from. */
  public long seed() {
    return seed;
  }

  /** Returns the variable at {@code path}, creating it with {@code init} the first time. */
  public Entry get(String path, long[] shape, Initializer initFn, boolean trainable) {
    Entry e = entries.get(path);
    if (e != null) {
      if (!java.util.Arrays.equals(e.shape(), shape)) {
        throw new IllegalStateException("variable " + path + " exists with shape "
            + java.util.Arrays.toString(e.shape()) + ", asked for " + java.util.Arrays.toString(shape));
      }
      return e;
    }
    if (constants != null) return constant(path, shape, trainable);
    Scope init = root.scope().withInitScope();
    Operand<TFloat32> initial = initializer(init, shape, initFn);
    Graph graph = (Graph) root.scope().env();
    Variable<TFloat32> v = new Variable<>(graph.opBuilder(Variable.OP_NAME, path, init)
        .setAttr("shape", Shape.of(shape)).setAttr("dtype", DataType.DT_FLOAT).build());
    graph.opBuilder(Assign.OP_NAME, path + "/Assign", init).addInput(v.asOutput()).addInput(initial.asOutput()).build();
    Operand<TFloat32> read = graph.opBuilder("Identity", path + "/read", root.scope()).addInput(v.asOutput()).build().output(0);
    Entry entry = new Entry(path, v, read, shape.clone(), trainable, initial);
    entries.put(path, entry);
    return entry;
  }

  private Entry constant(String path, long[] shape, boolean trainable) {
    float[] v = constants.get(path);
    long size = 1;
    for (long d : shape) size *= d;
    if (v == null || v.length != size) {
      throw new IllegalArgumentException("constant " + path + ": " + (v == null ? "no value" : v.length
          + " values for shape " + java.util.Arrays.toString(shape)));
    }
    Graph graph = (Graph) root.scope().env();
    try (TFloat32 t = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(v, true, false))) {
      Operand<TFloat32> c = graph.opBuilder("Const", path, root.scope()).setAttr("value", t)
          .setAttr("dtype", DataType.DT_FLOAT).build().output(0);
      Entry entry = new Entry(path, null, c, shape.clone(), trainable, null);
      entries.put(path, entry);
      return entry;
    }
  }

  /** A fresh seed for a random op (dropout, augmentation), derived from the store's seed. */
  public long newSeed() {
    return nextSeed++;
  }

  /** Every variable, in creation order. */
  public List<Entry> entries() {
    return Collections.unmodifiableList(new ArrayList<>(entries.values()));
  }

  public List<Entry> trainable() {
    return entries.values().stream().filter(Entry::trainable).toList();
  }

  public Entry entry(String path) {
    return entries.get(path);
  }

  /**
   * Sets every variable of this store in {@code session} to its value in {@code values} (flat, row-major), by
   * running its initialiser with the initial value fed; a variable without a value is an error.
   */
  public void assign(Session session, Map<String, float[]> values) {
    if (constants != null) throw new IllegalStateException("a store of constants cannot be assigned");
    Graph graph = (Graph) root.scope().env();
    for (Entry e : entries.values()) {
      float[] v = values.get(e.path());
      if (v == null || v.length != e.size()) {
        throw new IllegalArgumentException("variable " + e.path() + ": " + (v == null ? "no value" : v.length
            + " values for shape " + java.util.Arrays.toString(e.shape())));
      }
    }
    // One run for all: each distinct feed/target set costs TensorFlow a new executor, which for a few hundred
    // variables took longer than the rest of an export.
    List<TFloat32> tensors = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (Entry e : entries.values()) {
        TFloat32 t = TFloat32.tensorOf(Shape.of(e.shape()), DataBuffers.of(values.get(e.path()), true, false));
        tensors.add(t);
        runner.feed(e.initialValue(), t).addTarget(graph.operation(e.path() + "/Assign"));
      }
      runner.run();
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  /**
   * Sets the variables named in {@code values} (a subset of this store's; flat, row-major, of each one's size) in
   * {@code session}, in one run; the others keep their values.
   */
  public void assignSome(Session session, Map<String, float[]> values) {
    Graph graph = (Graph) root.scope().env();
    List<TFloat32> tensors = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (Map.Entry<String, float[]> v : values.entrySet()) {
        Entry e = entries.get(v.getKey());
        if (e == null || v.getValue().length != e.size()) {
          throw new IllegalArgumentException("variable " + v.getKey() + ": " + (e == null ? "not in the model"
              : v.getValue().length + " values for shape " + java.util.Arrays.toString(e.shape())));
        }
        TFloat32 t = TFloat32.tensorOf(Shape.of(e.shape()), DataBuffers.of(v.getValue(), true, false));
        tensors.add(t);
        runner.feed(e.initialValue(), t).addTarget(graph.operation(e.path() + "/Assign"));
      }
      if (!tensors.isEmpty()) runner.run();
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  /**
   * The value of every variable of this store in {@code session}, by path (flat, row-major), fetched in one run: a run
   * a variable costs an executor each, and in a gRPC session a pruning and partitioning of the graph each (minutes for
   * the tiny model's two replicas).
   */
  public Map<String, float[]> values(Session session) {
    List<Entry> all = new ArrayList<>(entries.values());
    List<float[]> read = read(session, all);
    Map<String, float[]> out = new LinkedHashMap<>();
    for (int i = 0; i < all.size(); i++) out.put(all.get(i).path(), read.get(i));
    return out;
  }

  /** The values of {@code variables} in {@code session} (flat, row-major), in their order, fetched in one run. */
  public static List<float[]> read(Session session, List<Entry> variables) {
    List<float[]> out = new ArrayList<>();
    if (variables.isEmpty()) return out;
    Session.Runner runner = session.runner();
    for (Entry e : variables) runner.fetch(e.read());
    try (Result r = runner.run()) {
      for (int i = 0; i < variables.size(); i++) {
        float[] v = new float[Math.toIntExact(variables.get(i).size())];
        ((TFloat32) r.get(i)).copyTo(DataBuffers.of(v, false, false));
        out.add(v);
      }
    }
    return out;
  }

  /** Total number of scalars in the variables whose path starts with {@code prefix}. */
  public long parameterCount(String prefix) {
    return entries.values().stream().filter(e -> e.path().startsWith(prefix)).mapToLong(Entry::size).sum();
  }

  private Operand<TFloat32> initializer(Scope init, long[] shape, Initializer initFn) {
    return initFn.create(Ops.create(init.env()).withInitScope(), Shape.of(shape), nextSeed++);
  }
}
