package org.facenet.nn;

import java.util.Map;

/**
 * A rewrite of an inference tower's arithmetic into the weights and biases of one layer, done once at export
 * instead of at every run (see {@link Layers#foldedInferenceTower}).
 */
public sealed interface Folding permits FoldedBatchNorm, FoldedScale {

  /** The variables this folding rewrites, by path, computed from the unfolded tower's {@code values} (by path). */
  Map<String, float[]> fold(Map<String, float[]> values);

  /** The value of {@code path} in {@code values}; an error naming the variable if there is none. */
  static float[] value(Map<String, float[]> values, String path) {
    float[] v = values.get(path);
    if (v == null) throw new IllegalArgumentException("no value for variable " + path + " to fold");
    return v;
  }
}
