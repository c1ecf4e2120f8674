package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/**
 * {@link PlacedGradients} (the graph's native handle from NativeGraphs, which NativeGraphsTest guards): on L = sum_ij tanh((x w)_ij) b_j, the
 * gradients with respect to w and b are on the chosen device in the graph as built and when run (two CPU devices of
 * one session), bit-identical to {@code tf.gradients}' and equal to the hand-derived float64 values.
 */
class PlacedGradientsTest {

  static final float[] X = {0.5f, -1f, 2f, 1.5f, 0.25f, -0.75f};
  static final float[] W = {0.3f, -0.2f, 0.1f, 0.4f, -0.5f, 0.25f};
  static final float[] B = {1.5f, -0.7f};

  /** The gradients [dL/dw, dL/db], placed on CPU:1 or (placed false) by tf.gradients; with the devices they ran on. */
  record Run(List<float[]> gradients, Set<String> gradientOps, Map<String, String> devices, Map<String, String> ran) {}

  static Run run(boolean placed) {
    ConfigProto config = ConfigProto.newBuilder().putDeviceCount("CPU", 2).build();
    try (Graph g = new Graph(); Session s = new Session(g, config)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(2, 3)));
      Operand<TFloat32> w = tf.withName("w").constant(Shape.of(3, 2), DataBuffers.of(W));
      Operand<TFloat32> b = tf.withName("b").constant(Shape.of(2), DataBuffers.of(B));
      Operand<TFloat32> loss = tf.sum(tf.math.mul(tf.math.tanh(tf.linalg.matMul(x, w)), b), tf.constant(new int[] {0, 1}));
      Set<String> before = names(g);
      List<Operand<?>> xs = List.of(w, b);
      List<Output<?>> dys = new ArrayList<>();
      Ops scoped = tf.withSubScope("replica_1");
      if (placed) {
        dys.addAll(PlacedGradients.of(scoped, loss, xs, "/device:CPU:1"));
        // a second call in the same scope takes the next prefix, as tf.gradients does, and its ops' names are free
        assertEquals("replica_1/Gradients_1", PlacedGradients.of(scoped, loss, xs, "/device:CPU:1").get(0).op().name()
            .substring(0, "replica_1/Gradients_1".length()));
      } else {
        var grads = scoped.gradients(loss, xs);
        for (int i = 0; i < xs.size(); i++) dys.add(grads.dy(i));
      }
      Set<String> gradientOps = new HashSet<>(names(g));
      gradientOps.removeAll(before);
      gradientOps.removeIf(n -> n.startsWith("replica_1/Gradients_1/"));
      Map<String, String> devices = new TreeMap<>();
      for (String n : gradientOps) devices.put(n, g.operation(n).device());
      try (TFloat32 tx = TFloat32.tensorOf(Shape.of(2, 3), DataBuffers.of(X))) {
        Session.Runner r = s.runner().feed(x, tx)
            .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
        dys.forEach(r::fetch);
        try (Result res = r.runAndFetchMetadata()) {
          List<float[]> out = new ArrayList<>();
          for (int i = 0; i < dys.size(); i++) {
            TFloat32 t = (TFloat32) res.get(i);
            float[] v = new float[(int) t.size()];
            t.asRawTensor().data().asFloats().read(v);
            out.add(v);
          }
          Map<String, String> ran = new TreeMap<>();
          for (var dev : res.getMetadata().orElseThrow().getStepStats().getDevStatsList()) {
            for (var node : dev.getNodeStatsList()) ran.put(node.getNodeName(), dev.getDevice());
          }
          return new Run(out, gradientOps, devices, ran);
        }
      }
    }
  }

  static Set<String> names(Graph g) {
    Set<String> out = new HashSet<>();
    g.operations().forEachRemaining(op -> out.add(op.name()));
    return out;
  }

  @Test
  void gradientsAreOnTheChosenDeviceAndEqualTfGradientsAndTheHandDerivedValues() {
    Run placed = run(true);
    Run plain = run(false);
    // the same ops under the same names: only their device differs
    assertEquals(plain.gradientOps(), placed.gradientOps());
    assertTrue(placed.gradientOps().size() > 5, placed.gradientOps().toString());
    assertTrue(placed.gradientOps().stream().allMatch(n -> n.startsWith("replica_1/Gradients/")),
        placed.gradientOps().toString());
    for (var e : placed.devices().entrySet()) assertEquals("/device:CPU:1", e.getValue(), e.getKey());
    // as built, tf.gradients' ops have no device (why this class exists); run, they land on CPU:0
    for (var e : plain.devices().entrySet()) assertEquals("", e.getValue(), e.getKey());
    int ranOnOne = 0;
    for (String n : placed.gradientOps()) {
      String where = placed.ran().get(n);
      if (where == null) continue; // folded away or not needed
      assertTrue(where.endsWith("/device:CPU:1"), n + " ran on " + where);
      ranOnOne++;
    }
    assertTrue(ranOnOne > 3, "gradient nodes run on CPU:1: " + ranOnOne);
    assertTrue(plain.gradientOps().stream().map(plain.ran()::get).anyMatch(d -> d != null && d.endsWith("CPU:0")),
        "tf.gradients' ops ran on CPU:0");
    for (int i = 0; i < 2; i++) assertArrayEquals(plain.gradients().get(i), placed.gradients().get(i), 0f);

    // float64 by hand: h = x w; dL/dw_kj = sum_i x_ik (1 - tanh^2 h_ij) b_j; dL/db_j = sum_i tanh h_ij
    double[] dw = new double[6];
    double[] db = new double[2];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        double h = 0;
        for (int k = 0; k < 3; k++) h += (double) X[i * 3 + k] * W[k * 2 + j];
        double t = Math.tanh(h);
        db[j] += t;
        for (int k = 0; k < 3; k++) dw[k * 2 + j] += X[i * 3 + k] * (1 - t * t) * B[j];
      }
    }
    for (int i = 0; i < 6; i++) assertEquals(dw[i], placed.gradients().get(0)[i], 1e-6, "dL/dw[" + i + "]");
    for (int j = 0; j < 2; j++) assertEquals(db[j], placed.gradients().get(1)[j], 1e-6, "dL/db[" + j + "]");
  }
}
