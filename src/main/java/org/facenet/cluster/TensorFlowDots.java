package org.facenet.cluster;

import org.facenet.runtime.Precision;
import org.facenet.runtime.SessionOptions;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/**
 * Blocks of dot products {@code A B^T} by one TensorFlow MatMul (oneDNN/Eigen GEMM on all cores, or a GPU), in
 * float32 or with bfloat16 inputs and float accumulation. Not thread-safe; close it to free the session.
 */
final class TensorFlowDots implements AutoCloseable {

  /**
   * The margin to add to {@code r^2}, relative to {@code |a|^2 + |b|^2}, that covers the rounding of
   * {@code |a|^2 + |b|^2 - 2 a.b} at {@code precision}. bfloat16 keeps 8 significant bits: each input errs by at most
   * 2^-8 (2^-7 if the cast truncates), a product by ~2^-6, so the dot product by at most 2^-6 |a||b| <= 2^-7
   * (|a|^2 + |b|^2), and the squared distance by twice that; 0.02 covers it with room for the float accumulation.
   */
  static double margin(Precision precision, int dim) {
    double floatMargin = BlockedNeighbourSearch.floatMargin(dim);
    return precision == Precision.BFLOAT16 ? 0.02 + floatMargin : floatMargin;
  }

  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> pa;
  private final Placeholder<TFloat32> pb;
  private final Operand<TFloat32> product;
  private final int dim;

  TensorFlowDots(int dim, int threads, Precision precision) {
    this.dim = dim;
    graph = new Graph();
    Ops tf = Ops.create(graph);
    pa = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, dim)));
    pb = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, dim)));
    if (precision == Precision.BFLOAT16) {
      product = tf.dtypes.cast(tf.linalg.matMul(tf.dtypes.cast(pa, TBfloat16.class), tf.dtypes.cast(pb, TBfloat16.class),
          MatMul.transposeB(true)), TFloat32.class);
    } else {
      product = tf.linalg.matMul(pa, pb, MatMul.transposeB(true));
    }
    session = SessionOptions.open(graph, threads);
  }

  /** A tensor of {@code rows} rows of {@code x} from row {@code from}, to pass to {@link #dots} (close it). */
  TFloat32 rows(float[] x, int from, int rows) {
    return TFloat32.tensorOf(Shape.of(rows, dim),
        DataBuffers.of(x, true, false).offset((long) from * dim).narrow((long) rows * dim));
  }

  /** {@code out[p * nb + q] = a[p] . b[q]} for the rows of the two tensors. */
  void dots(TFloat32 a, TFloat32 b, float[] out) {
    long na = a.shape().size(0);
    long nb = b.shape().size(0);
    try (Result r = session.runner().feed(pa, a).feed(pb, b).fetch(product).run()) {
      ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false).narrow(na * nb));
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
