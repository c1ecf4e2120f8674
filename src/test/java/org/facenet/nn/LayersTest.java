package org.facenet.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Layer helpers against plain-Java float64 references. */
class LayersTest {

  private static final int N = 4, H = 3, W = 2, C = 5;

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * 2 + 1);
    return x;
  }

  private static float[] fetch(Session s, Placeholder<TFloat32> in, float[] x, Shape shape, Operand<TFloat32> out,
      List<org.tensorflow.op.Op> targets) {
    try (TFloat32 t = TFloat32.tensorOf(shape, DataBuffers.of(x, true, false))) {
      Session.Runner r = s.runner().feed(in, t).fetch(out);
      for (var op : targets) r.addTarget(op);
      try (Result res = r.run()) {
        TFloat32 y = (TFloat32) res.get(0);
        float[] a = new float[(int) y.shape().size()];
        y.copyTo(DataBuffers.of(a, false, false));
        return a;
      }
    }
  }

  @Test
  void batchNormTrainingNormalisesWithBatchStatisticsAndUpdatesMovingOnes() {
    float[] x = random(N * H * W * C, 7);
    double[] mean = new double[C];
    double[] var = new double[C];
    int m = N * H * W;
    for (int i = 0; i < x.length; i++) mean[i % C] += x[i] / m;
    for (int i = 0; i < x.length; i++) var[i % C] += Math.pow(x[i] - mean[i % C], 2) / m;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(N, H, W, C)));
      VariableStore store = new VariableStore(tf, 1);
      Layers train = Layers.tower(store, true, 0f, Layers.BatchNormConfig.FACENET);
      Operand<TFloat32> y = train.in("bn").batchNorm(in);
      Operand<TFloat32> movingMean = store.entry("bn/BatchNorm/moving_mean").read();
      Operand<TFloat32> movingVar = store.entry("bn/BatchNorm/moving_variance").read();
      Layers infer = Layers.tower(store, false, 0f, Layers.BatchNormConfig.FACENET);
      Operand<TFloat32> z = infer.in("bn").batchNorm(in);
      try (Session s = new Session(g)) {
        s.initialize();
        float[] out = fetch(s, in, x, Shape.of(N, H, W, C), y, train.updateOps());
        for (int i = 0; i < x.length; i++) {
          double expected = (x[i] - mean[i % C]) / Math.sqrt(var[i % C] + 1e-3);
          assertEquals(expected, out[i], 1e-4, "element " + i);
        }
        float[] mm = fetch(s, in, x, Shape.of(N, H, W, C), movingMean, List.of());
        float[] mv = fetch(s, in, x, Shape.of(N, H, W, C), movingVar, List.of());
        for (int c = 0; c < C; c++) {
          // m <- m - (1 - 0.995) (m - batch); the moving variance uses the unbiased batch variance.
          assertEquals(0.005 * mean[c], mm[c], 1e-5);
          assertEquals(0.995 + 0.005 * var[c] * m / (m - 1), mv[c], 1e-5);
        }
        float[] inf = fetch(s, in, x, Shape.of(N, H, W, C), z, List.of());
        for (int i = 0; i < x.length; i++) {
          double expected = (x[i] - mm[i % C]) / Math.sqrt(mv[i % C] + 1e-3);
          assertEquals(expected, inf[i], 1e-4, "inference element " + i);
        }
      }
    }
  }

  @Test
  void towersShareVariablesByPath() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 6)));
      VariableStore store = new VariableStore(tf, 1);
      Layers a = Layers.tower(store, true, 1e-3f, Layers.BatchNormConfig.FACENET);
      Layers b = Layers.tower(store, false, 1e-3f, Layers.BatchNormConfig.FACENET);
      a.dense("fc", in, 3, false, Activation.RELU);
      int before = store.entries().size();
      b.dense("fc", in, 3, false, Activation.RELU);
      assertEquals(before, store.entries().size());
      assertEquals(List.of("fc/weights", "fc/biases"), store.entries().stream().map(VariableStore.Entry::path).toList());
      assertEquals(1, a.regularizationLosses().size(), "only the training tower carries weight decay");
      assertEquals(0, b.regularizationLosses().size());
    }
  }

  @Test
  void l2NormalizeAndPReluMatchPlainJava() {
    float[] x = random(3 * 4, 3);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(3, 4)));
      Operand<TFloat32> n = EmbeddingModel.l2Normalize(tf, in, 1e-10f);
      Operand<TFloat32> nInference = EmbeddingModel.inferenceL2Normalize(tf, in, 1e-10f);
      Layers l = Layers.tower(new VariableStore(tf, 1), true, 0f, Layers.BatchNormConfig.FACENET);
      Operand<TFloat32> p = l.in("act").activate(in, Activation.PRELU);
      try (Session s = new Session(g)) {
        s.initialize();
        float[] out = fetch(s, in, x, Shape.of(3, 4), n, List.of());
        float[] pr = fetch(s, in, x, Shape.of(3, 4), p, List.of());
        float[] outInference = fetch(s, in, x, Shape.of(3, 4), nInference, List.of());
        for (int r = 0; r < 3; r++) {
          double norm = 0;
          for (int c = 0; c < 4; c++) norm += x[r * 4 + c] * (double) x[r * 4 + c];
          for (int c = 0; c < 4; c++) assertEquals(x[r * 4 + c] / Math.sqrt(norm), out[r * 4 + c], 1e-6);
          // Pow, Mean, a product by D, rsqrt and a product, in float32: a few float32 roundings (2^-24 each) of |value| <= 1.
          for (int c = 0; c < 4; c++) assertEquals(x[r * 4 + c] / Math.sqrt(norm), outInference[r * 4 + c], 1e-6);
        }
        for (int i = 0; i < x.length; i++) assertEquals(x[i] > 0 ? x[i] : 0.25 * x[i], pr[i], 1e-6);
      }
    }
  }

  @Test
  void dropoutKeepsExpectationAndIsOffInInference() {
    int n = 20000;
    float[] ones = new float[n];
    java.util.Arrays.fill(ones, 1f);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, n)));
      VariableStore store = new VariableStore(tf, 1);
      Operand<TFloat32> d = Layers.tower(store, true, 0f, Layers.BatchNormConfig.FACENET).dropout(in, 0.8f);
      Operand<TFloat32> e = tf.identity(Layers.tower(store, false, 0f, Layers.BatchNormConfig.FACENET).dropout(in, 0.8f));
      try (Session s = new Session(g)) {
        float[] out = fetch(s, in, ones, Shape.of(1, n), d, List.of());
        int kept = 0;
        double sum = 0;
        for (float v : out) {
          assertTrue(v == 0f || Math.abs(v - 1.25f) < 1e-6, "value " + v);
          if (v != 0f) kept++;
          sum += v;
        }
        assertEquals(0.8, kept / (double) n, 0.02);
        assertEquals(1.0, sum / n, 0.03);
        assertArrayEquals(ones, fetch(s, in, ones, Shape.of(1, n), e, List.of()));
      }
    }
  }
}
