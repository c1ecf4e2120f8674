package org.facenet.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;

/** Builds a variable's initial value; {@code seed} makes every run with the same --seed identical. */
@FunctionalInterface
public interface Initializer {

  Operand<TFloat32> create(Ops tf, Shape shape, long seed);

  static Initializer zeros() {
    return (tf, shape, seed) -> tf.zeros(tf.constant(shape), TFloat32.class);
  }

  static Initializer constant(float value) {
    return (tf, shape, seed) -> tf.fill(tf.constant(shape), tf.constant(value));
  }

  /**
   * Glorot/Xavier uniform: U(-l, l), l = sqrt(6 / (fanIn + fanOut)); for a convolution kernel
   * [kh, kw, in, out] the fans are kh*kw*in and kh*kw*out (slim's xavier_initializer).
   */
  static Initializer xavierUniform() {
    return (tf, shape, seed) -> {
      long receptive = 1;
      for (int i = 0; i < shape.numDimensions() - 2; i++) receptive *= shape.size(i);
      long fanIn = receptive * shape.size(shape.numDimensions() - 2);
      long fanOut = receptive * shape.size(shape.numDimensions() - 1);
      float limit = (float) Math.sqrt(6.0 / (fanIn + fanOut));
      Operand<TFloat32> u = tf.random.randomUniform(tf.constant(shape), TFloat32.class,
          RandomUniform.seed(1L + (seed >>> 1)), RandomUniform.seed2(seed));
      return tf.math.sub(tf.math.mul(u, tf.constant(2f * limit)), tf.constant(limit));
    };
  }
}
