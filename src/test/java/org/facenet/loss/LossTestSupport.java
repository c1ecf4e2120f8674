package org.facenet.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.facenet.nn.EmbeddingModel;
import org.facenet.nn.Layers;
import org.facenet.nn.VariableStore;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** A graph with prelogits/labels placeholders, and float64 plain-Java references for the loss tests. */
final class LossTestSupport implements AutoCloseable {

  final int n, d, numClasses;
  final Graph graph = new Graph();
  final Ops tf = Ops.create(graph);
  final Placeholder<TFloat32> x;
  final Placeholder<TInt32> labels;
  final VariableStore store = new VariableStore(tf, 42);
  final Layers layers = Layers.tower(store, true, 0f, Layers.BatchNormConfig.FACENET);
  private Session session;

  LossTestSupport(int n, int d, int numClasses) {
    this.n = n;
    this.d = d;
    this.numClasses = numClasses;
    x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, d)));
    labels = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(n)));
  }

  LossInputs inputs() {
    return new LossInputs(layers, x, EmbeddingModel.l2Normalize(tf, x, 1e-10f), labels, numClasses);
  }

  /** d loss / d x, added to the graph (call before {@link #session()} or after; the session extends). */
  @SuppressWarnings("unchecked")
  Operand<TFloat32> gradient(Operand<TFloat32> loss, Operand<TFloat32> wrt) {
    Output<?>[] g = graph.addGradients(loss.asOutput(), new Output<?>[] {wrt.asOutput()});
    return (Operand<TFloat32>) g[0];
  }

  Session session() {
    if (session == null) {
      session = new Session(graph);
      session.initialize();
    }
    return session;
  }

  /** Runs {@code targets} and fetches {@code outs} with x and labels fed. */
  @SafeVarargs
  final float[][] run(float[] xv, int[] yv, List<? extends Op> targets, Operand<TFloat32>... outs) {
    try (TFloat32 xt = TFloat32.tensorOf(Shape.of(n, d), DataBuffers.of(xv, true, false));
        TInt32 yt = TInt32.tensorOf(Shape.of(n), DataBuffers.of(yv, true, false))) {
      Session.Runner r = session().runner().feed(x, xt).feed(labels, yt);
      for (Operand<TFloat32> o : outs) r.fetch(o);
      for (Op t : targets) r.addTarget(t);
      try (Result res = r.run()) {
        float[][] out = new float[outs.length][];
        for (int i = 0; i < outs.length; i++) out[i] = values((TFloat32) res.get(i));
        return out;
      }
    }
  }

  float[] eval(float[] xv, int[] yv, Operand<TFloat32> out) {
    return run(xv, yv, List.of(), out)[0];
  }

  /** A variable's current value. */
  float[] read(String path) {
    try (Result res = session().runner().fetch(store.entry(path).read()).run()) {
      return values((TFloat32) res.get(0));
    }
  }

  private static float[] values(TFloat32 t) {
    float[] a = new float[(int) t.shape().size()];
    t.copyTo(DataBuffers.of(a, false, false));
    return a;
  }

  @Override
  public void close() {
    if (session != null) session.close();
    graph.close();
  }

  // ---- float64 references ----

  static float[] gaussian(int count, long seed, double sigma) {
    Random r = new Random(seed);
    float[] a = new float[count];
    for (int i = 0; i < count; i++) a[i] = (float) (r.nextGaussian() * sigma);
    return a;
  }

  static double[] toDouble(float[] a) {
    double[] b = new double[a.length];
    for (int i = 0; i < a.length; i++) b[i] = a[i];
    return b;
  }

  /** Row-major [rows, inner] x [inner, cols]. */
  static double[] matmul(double[] a, double[] b, int rows, int inner, int cols) {
    double[] c = new double[rows * cols];
    for (int i = 0; i < rows; i++)
      for (int k = 0; k < inner; k++)
        for (int j = 0; j < cols; j++) c[i * cols + j] += a[i * inner + k] * b[k * cols + j];
    return c;
  }

  /** Rows (axis 1) or columns (axis 0) of a [rows, cols] matrix scaled to unit length. */
  static double[] normalize(double[] a, int rows, int cols, int axis) {
    double[] b = a.clone();
    if (axis == 1) {
      for (int i = 0; i < rows; i++) {
        double s = 0;
        for (int j = 0; j < cols; j++) s += a[i * cols + j] * a[i * cols + j];
        double inv = 1 / Math.sqrt(Math.max(s, 1e-10));
        for (int j = 0; j < cols; j++) b[i * cols + j] *= inv;
      }
    } else {
      for (int j = 0; j < cols; j++) {
        double s = 0;
        for (int i = 0; i < rows; i++) s += a[i * cols + j] * a[i * cols + j];
        double inv = 1 / Math.sqrt(Math.max(s, 1e-10));
        for (int i = 0; i < rows; i++) b[i * cols + j] *= inv;
      }
    }
    return b;
  }

  /** Logits [rows, cols] + bias (may be null). */
  static double[] addBias(double[] logits, double[] bias, int rows, int cols) {
    double[] out = logits.clone();
    if (bias != null) for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) out[i * cols + j] += bias[j];
    return out;
  }

  /** mean_i (logsumexp(z_i) - z_{i, y_i}). */
  static double crossEntropy(double[] logits, int[] y, int cols) {
    int rows = y.length;
    double total = 0;
    for (int i = 0; i < rows; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < cols; j++) max = Math.max(max, logits[i * cols + j]);
      double s = 0;
      for (int j = 0; j < cols; j++) s += Math.exp(logits[i * cols + j] - max);
      total += max + Math.log(s) - logits[i * cols + y[i]];
    }
    return total / rows;
  }

  /** Fraction of rows whose first largest entry is the label. */
  static double accuracy(double[] logits, int[] y, int cols) {
    int hits = 0;
    for (int i = 0; i < y.length; i++) {
      int best = 0;
      for (int j = 1; j < cols; j++) if (logits[i * cols + j] > logits[i * cols + best]) best = j;
      if (best == y[i]) hits++;
    }
    return hits / (double) y.length;
  }

  /** Central finite differences of f at x. */
  static double[] numericGradient(ToDoubleFunction<double[]> f, double[] x, double h) {
    double[] g = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double[] p = x.clone();
      double[] m = x.clone();
      p[i] += h;
      m[i] -= h;
      g[i] = (f.applyAsDouble(p) - f.applyAsDouble(m)) / (2 * h);
    }
    return g;
  }

  static void assertRelative(double expected, double actual, double rel, String what) {
    assertTrue(Double.isFinite(actual), what + " is " + actual);
    assertEquals(expected, actual, rel * Math.max(Math.abs(expected), 1e-6), what);
  }

  /** Every component within {@code rel} of the largest reference component (plus 1e-6). */
  static void assertGradient(double[] expected, float[] actual, double rel, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    double scale = 0;
    for (double v : expected) scale = Math.max(scale, Math.abs(v));
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Float.isFinite(actual[i]), what + "[" + i + "] is " + actual[i]);
      assertEquals(expected[i], actual[i], rel * scale + 1e-6, what + "[" + i + "]");
    }
  }
}
