package org.facenet.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The model's variables, created once by their path ("InceptionResnetV1/Conv2d_1a_3x3/weights") and
 * handed out again to every tower that asks for the same path. The training tower and the inference
 * tower of one graph therefore share weights, and a graph rebuilt from the same code restores the same
 * names from a checkpoint.
 */
public final class VariableStore {

  /** A variable and what the trainer needs to know about it. */
  public record Entry(String path, Variable<TFloat32> variable, long[] shape, boolean trainable) {
    public long size() {
      long n = 1;
      for (long d : shape) n *= d;
      return n;
    }
  }

  private final Ops root;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Map<String, Ops> scopes = new HashMap<>();
  private final long seed;
  private long nextSeed;

  public VariableStore(Ops root, long seed) {
    this.root = root;
    this.seed = seed;
    this.nextSeed = seed;
  }

  public Ops root() {
    return root;
  }

  /** The graph-level seed this store derives its per-variable initialiser seeds from. */
  public long seed() {
    return seed;
  }

  /** Returns the variable at {@code path}, creating it with {@code init} the first time. */
  public Variable<TFloat32> get(String path, long[] shape, Initializer init, boolean trainable) {
    Entry e = entries.get(path);
    if (e != null) {
      if (!java.util.Arrays.equals(e.shape(), shape)) {
        throw new IllegalStateException("variable " + path + " exists with shape "
            + java.util.Arrays.toString(e.shape()) + ", asked for " + java.util.Arrays.toString(shape));
      }
      return e.variable();
    }
    int slash = path.lastIndexOf('/');
    Ops scope = slash < 0 ? root : scope(path.substring(0, slash));
    String name = path.substring(slash + 1);
    Operand<TFloat32> initial = init.create(root.withInitScope(), Shape.of(shape), nextSeed++);
    Variable<TFloat32> v = scope.withName(name).variable(initial);
    entries.put(path, new Entry(path, v, shape.clone(), trainable));
    return v;
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

  /** Total number of scalars in the variables whose path starts with {@code prefix}. */
  public long parameterCount(String prefix) {
    return entries.values().stream().filter(e -> e.path().startsWith(prefix)).mapToLong(Entry::size).sum();
  }

  private Ops scope(String prefix) {
    Ops s = scopes.get(prefix);
    if (s != null) return s;
    int slash = prefix.lastIndexOf('/');
    Ops parent = slash < 0 ? root : scope(prefix.substring(0, slash));
    s = parent.withSubScope(prefix.substring(slash + 1));
    scopes.put(prefix, s);
    return s;
  }
}
