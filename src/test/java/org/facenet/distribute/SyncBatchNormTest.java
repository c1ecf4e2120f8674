package org.facenet.distribute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.facenet.nn.Activation;
import org.facenet.nn.CrossReplicaSum;
import org.facenet.nn.Layers;
import org.facenet.nn.Padding;
import org.facenet.nn.VariableStore;
import org.facenet.train.GradientTransform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

/**
 * Synchronised batch norm across two workers in this JVM, each on its own in-process server: a tiny network of two
 * convolutions with training-mode batch norm (gamma and beta), a dense layer and a mean squared loss. With
 * {@link SyncBatchNorm}, the all-reduced gradients of the two half batches equal the gradients of the whole batch in
 * one local session with the plain fused batch norm to 1e-5, and so do both workers' moving statistics after the
 * update; with per-worker batch norm they do not (so the comparison can fail).
 */
class SyncBatchNormTest {

  static final int N = 8;
  static final int H = 4;
  static final int C = 3;
  static final Layers.BatchNormConfig BN = new Layers.BatchNormConfig(0.9f, 1e-3f, true);
  static final List<WorkerServer> servers = new ArrayList<>();
  static ExecutorService pool;

  @BeforeAll
  static void startCluster() throws Exception {
    servers.addAll(LoopbackCluster.start(2));
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  /** Each trainable variable's gradient, then each moving statistic after one update, by path. */
  static Map<String, float[]> step(Session session, Graph g, CrossReplicaSum sync, GradientTransform transform,
      float[] x, float[] y, int n) {
    Ops tf = Ops.create(g);
    Placeholder<TFloat32> xs = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, H, H, C)));
    Placeholder<TFloat32> ys = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
    VariableStore store = new VariableStore(tf, 5);
    Layers layers = sync == null ? Layers.tower(store, true, 0f, BN) : Layers.syncedTower(store, 0f, BN, sync);
    Operand<TFloat32> net = layers.conv("conv1", xs, 4, 3, 3, 1, Padding.SAME, true, Activation.RELU);
    net = layers.conv("conv2", net, 5, 3, 3, 2, Padding.SAME, true, Activation.NONE);
    Operand<TFloat32> out = layers.dense("fc", layers.globalAvgPool(net), 2, false, Activation.NONE);
    Operand<TFloat32> loss = tf.math.mean(tf.math.square(tf.math.sub(out, ys)), tf.constant(new int[] {0, 1}));
    List<VariableStore.Entry> trainable = store.trainable();
    var grads = tf.gradients(loss, trainable.stream().<Operand<?>>map(VariableStore.Entry::read).toList());
    List<Output<?>> dys = new ArrayList<>();
    for (int i = 0; i < trainable.size(); i++) dys.add(grads.dy(i));
    dys = transform.apply(tf, dys);
    Op update = tf.withControlDependencies(layers.updateOps()).noOp();
    session.initialize();
    // Moving means away from 0: synchronised batch norm sums x - moving mean (a shift), which must not change the moments.
    Map<String, float[]> start = new LinkedHashMap<>();
    for (VariableStore.Entry e : store.entries()) {
      if (!e.path().endsWith("moving_mean")) continue;
      float[] v = new float[(int) e.size()];
      for (int i = 0; i < v.length; i++) v[i] = 0.3f + 0.2f * i;
      start.put(e.path(), v);
    }
    store.assignSome(session, start);
    Map<String, float[]> got = new LinkedHashMap<>();
    try (TFloat32 tx = TFloat32.tensorOf(Shape.of(n, H, H, C), DataBuffers.of(x));
        TFloat32 ty = TFloat32.tensorOf(Shape.of(n, 2), DataBuffers.of(y))) {
      Session.Runner runner = session.runner().feed(xs, tx).feed(ys, ty).addTarget(update);
      for (Output<?> d : dys) runner.fetch(d);
      try (Result r = runner.run()) {
        for (int i = 0; i < trainable.size(); i++) got.put(trainable.get(i).path(), floats((TFloat32) r.get(i)));
      }
    }
    Map<String, float[]> values = store.values(session);
    for (VariableStore.Entry e : store.entries()) {
      if (!e.trainable()) got.put(e.path(), values.get(e.path()));
    }
    return got;
  }

  static float[] floats(TFloat32 t) {
    float[] a = new float[(int) t.size()];
    t.asRawTensor().data().asFloats().read(a);
    return a;
  }

  static float[] random(Random r, int n, double mean) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (mean + r.nextGaussian());
    return a;
  }

  /** Both workers' results, worker k training on the k-th half of x and y. */
  static List<Map<String, float[]>> workers(boolean synced, float[] x, float[] y) throws Exception {
    List<Future<Map<String, float[]>>> halves = new ArrayList<>();
    for (int worker = 0; worker < 2; worker++) {
      int k = worker;
      Collectives group = new Collectives(2, 1, 30f);
      CrossReplicaSum sync = synced ? new SyncBatchNorm(group) : null;
      AllReduce mean = new AllReduce(group, 1 << 20, 1);
      float[] xk = Arrays.copyOfRange(x, k * N / 2 * H * H * C, (k + 1) * N / 2 * H * H * C);
      float[] yk = Arrays.copyOfRange(y, k * N / 2 * 2, (k + 1) * N / 2 * 2);
      halves.add(pool.submit(() -> {
        WorkerServer server = servers.get(k);
        try (Graph g = new Graph(); Session s = GrpcSessions.open(g, server.target(), server.sessionConfig())) {
          return step(s, g, sync, mean, xk, yk, N / 2);
        }
      }));
    }
    List<Map<String, float[]>> out = new ArrayList<>();
    for (Future<Map<String, float[]>> f : halves) out.add(f.get(60, TimeUnit.SECONDS));
    return out;
  }

  static double maxDifference(Map<String, float[]> a, Map<String, float[]> b) {
    double max = 0;
    for (String path : a.keySet()) {
      for (int i = 0; i < a.get(path).length; i++) max = Math.max(max, Math.abs(a.get(path)[i] - b.get(path)[i]));
    }
    return max;
  }

  @Test
  void gradientsAndMovingStatisticsAreTheWholeBatchs() throws Exception {
    Random rnd = new Random(11);
    // The two halves have different means, so per-worker moments differ from the global ones.
    float[] x = random(rnd, N * H * H * C, 0.5);
    for (int i = N / 2 * H * H * C; i < x.length; i++) x[i] = 2f * x[i] - 1f;
    float[] y = random(rnd, N * 2, 0);
    Map<String, float[]> whole;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      whole = step(s, g, null, GradientTransform.IDENTITY, x, y, N);
    }
    assertTrue(whole.keySet().containsAll(List.of("conv1/weights", "conv1/BatchNorm/gamma", "conv1/BatchNorm/beta",
        "conv1/BatchNorm/moving_mean", "conv2/BatchNorm/moving_variance", "fc/weights")), whole.keySet().toString());
    for (Map<String, float[]> got : workers(true, x, y)) {
      assertEquals(whole.keySet(), got.keySet());
      for (String path : whole.keySet()) {
        float[] want = whole.get(path);
        for (int i = 0; i < want.length; i++) {
          assertEquals(want[i], got.get(path)[i], 1e-5 * Math.max(1, Math.abs(want[i])), path + "[" + i + "]");
        }
      }
    }
    // Per-worker batch norm on the same halves: the gradients and statistics differ from the whole batch's.
    for (Map<String, float[]> got : workers(false, x, y)) assertTrue(maxDifference(whole, got) > 1e-2);
  }
}
