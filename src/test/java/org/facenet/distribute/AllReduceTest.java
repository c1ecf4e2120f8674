package org.facenet.distribute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Two workers in this JVM, each on its own in-process TensorFlow server: the all-reduced gradients of two half
 * batches equal the gradient of the whole batch computed in one local session (a mean loss, so the mean of the halves'
 * gradients is the whole batch's), with one bucket for all gradients and with one bucket each.
 */
class AllReduceTest {

  static final int N = 8;
  static final int IN = 5;
  static final int OUT = 3;
  static List<WorkerServer> servers = new ArrayList<>();
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

  /** Gradients of mean((x W + b - y)^2) with respect to W [IN, OUT] and b [OUT], after {@code transform}. */
  static float[][] gradients(Session session, Graph g, GradientTransform transform, float[] x, float[] y, float[] w,
      float[] b, int n) {
    Ops tf = Ops.create(g);
    Placeholder<TFloat32> xs = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, IN)));
    Placeholder<TFloat32> ys = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, OUT)));
    Placeholder<TFloat32> ws = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(IN, OUT)));
    Placeholder<TFloat32> bs = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(OUT)));
    Operand<TFloat32> err = tf.math.sub(tf.math.add(tf.linalg.matMul(xs, ws), bs), ys);
    Operand<TFloat32> loss = tf.math.mean(tf.math.square(err), tf.constant(new int[] {0, 1}));
    var grads = tf.gradients(loss, List.of(ws, bs));
    List<Output<?>> dys = transform.apply(tf, List.of(grads.dy(0), grads.dy(1)));
    try (TFloat32 tx = TFloat32.tensorOf(Shape.of(n, IN), DataBuffers.of(x));
        TFloat32 ty = TFloat32.tensorOf(Shape.of(n, OUT), DataBuffers.of(y));
        TFloat32 tw = TFloat32.tensorOf(Shape.of(IN, OUT), DataBuffers.of(w));
        TFloat32 tb = TFloat32.tensorOf(Shape.of(OUT), DataBuffers.of(b));
        Result r = session.runner().feed(xs, tx).feed(ys, ty).feed(ws, tw).feed(bs, tb).fetch(dys.get(0))
            .fetch(dys.get(1)).run()) {
      float[][] out = new float[2][];
      for (int i = 0; i < 2; i++) {
        TFloat32 t = (TFloat32) r.get(i);
        out[i] = new float[(int) t.size()];
        t.asRawTensor().data().asFloats().read(out[i]);
      }
      return out;
    }
  }

  static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
    return a;
  }

  void check(long bucketBytes, int firstKey, List<Integer> expectedBuckets) throws Exception {
    Random rnd = new Random(7);
    float[] x = random(rnd, N * IN);
    float[] y = random(rnd, N * OUT);
    float[] w = random(rnd, IN * OUT);
    float[] b = random(rnd, OUT);
    float[][] whole;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      whole = gradients(s, g, GradientTransform.IDENTITY, x, y, w, b, N);
    }
    List<Future<float[][]>> halves = new ArrayList<>();
    List<AllReduce> reducers = new ArrayList<>();
    for (int worker = 0; worker < 2; worker++) {
      int k = worker;
      AllReduce reduce = new AllReduce(new Collectives(2, 1, 30f), bucketBytes, firstKey);
      reducers.add(reduce);
      float[] xk = java.util.Arrays.copyOfRange(x, k * N / 2 * IN, (k + 1) * N / 2 * IN);
      float[] yk = java.util.Arrays.copyOfRange(y, k * N / 2 * OUT, (k + 1) * N / 2 * OUT);
      halves.add(pool.submit(() -> {
        WorkerServer server = servers.get(k);
        try (Graph g = new Graph(); Session s = GrpcSessions.open(g, server.target(), server.sessionConfig())) {
          return gradients(s, g, reduce, xk, yk, w, b, N / 2);
        }
      }));
    }
    for (int worker = 0; worker < 2; worker++) {
      float[][] got = halves.get(worker).get(60, TimeUnit.SECONDS);
      for (int v = 0; v < 2; v++) {
        for (int i = 0; i < whole[v].length; i++) {
          assertEquals(whole[v][i], got[v][i], 1e-5 * Math.max(1, Math.abs(whole[v][i])),
              "worker " + worker + " gradient " + v + "[" + i + "]");
        }
      }
      assertEquals(expectedBuckets, reducers.get(worker).bucketSizes());
    }
  }

  @Test
  void oneBucketForEveryGradient() throws Exception {
    check(1 << 20, 1, List.of(2));
  }

  @Test
  void aBucketEachWhenTheyDoNotFitTogether() throws Exception {
    check(4L * IN * OUT, 100, List.of(1, 1));
  }
}
