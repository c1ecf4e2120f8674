package org.facenet.interop;

import java.util.Arrays;

/** A float32 tensor read from a model file: its shape and its values, flat and row-major. */
public record NamedTensor(String name, long[] shape, float[] values) {

  public NamedTensor {
    long n = 1;
    for (long d : shape) n *= d;
    if (n != values.length) {
      throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + Arrays.toString(shape));
    }
  }

  public String shapeText() {
    return Arrays.toString(shape);
  }
}
