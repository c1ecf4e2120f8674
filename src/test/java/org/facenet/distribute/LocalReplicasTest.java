package org.facenet.distribute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.facenet.nn.Activation;
import org.facenet.nn.Layers;
import org.facenet.nn.Padding;
import org.facenet.nn.VariableStore;
import org.facenet.train.GradientTransform;
import org.facenet.train.Optimizer;
import org.facenet.train.OptimizerKind;
import org.junit.jupiter.api.Test;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Two replicas in one process on /device:CPU:0 and /device:CPU:1 (ConfigProto device_count CPU: 2), the network of
 * {@link SyncBatchNormTest} with synchronised batch norm over the two: every replica's averaged gradient equals the
 * gradient of the whole batch computed on one device with the plain fused batch norm (to 1e-5), each tower runs on its
 * own device, and after three Adam steps the two replicas' variables (weights, moving statistics, Adam slots) are
 * identical. And {@link LocalReplicas#placed}: as built, many of replica 1's gradient nodes run on CPU:0 (they carry no
 * device); after the rewrite every node of a replica runs on its device, with the same gradients.
 */
class LocalReplicasTest {

  static final int N = SyncBatchNormTest.N;
  static final int H = SyncBatchNormTest.H;
  static final int C = SyncBatchNormTest.C;

  static Operand<TFloat32> tower(Layers layers, List<Operand<?>> in) {
    @SuppressWarnings("unchecked")
    Operand<TFloat32> x = (Operand<TFloat32>) in.get(0);
    @SuppressWarnings("unchecked")
    Operand<TFloat32> y = (Operand<TFloat32>) in.get(1);
    Ops tf = layers.tf();
    Operand<TFloat32> net = layers.conv("conv1", x, 4, 3, 3, 1, Padding.SAME, true, Activation.RELU);
    net = layers.conv("conv2", net, 5, 3, 3, 2, Padding.SAME, true, Activation.NONE);
    Operand<TFloat32> out = layers.dense("fc", layers.globalAvgPool(net), 2, false, Activation.NONE);
    return tf.math.mean(tf.math.square(tf.math.sub(out, y)), tf.constant(new int[] {0, 1}));
  }

  @Test
  void replicasOnTwoDevicesAverageTheWholeBatchsGradientAndStayIdentical() {
    Random rnd = new Random(11);
    float[] x = SyncBatchNormTest.random(rnd, N * H * H * C, 0.5);
    for (int i = N / 2 * H * H * C; i < x.length; i++) x[i] = 2f * x[i] - 1f;
    float[] y = SyncBatchNormTest.random(rnd, N * 2, 0);
    Map<String, float[]> whole;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      whole = SyncBatchNormTest.step(s, g, null, GradientTransform.IDENTITY, x, y, N);
    }

    ConfigProto config = ConfigProto.newBuilder().putDeviceCount("CPU", 2).setLogDevicePlacement(false).build();
    try (Graph g = new Graph(); Session s = new Session(g, config)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> xs = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(N, H, H, C)));
      Placeholder<TFloat32> ys = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(N, 2)));
      Variable<TInt64> step = tf.withName("global_step").variable(tf.constant(0L));
      LocalReplicas replicas = LocalReplicas.build(tf, LocalReplicas.devices(DeviceSpec.DeviceType.CPU, 2), 1,
          new LocalReplicas.Settings(5, 0f, SyncBatchNormTest.BN, true, 1 << 20, 30f), List.of(xs, ys),
          LocalReplicasTest::tower, Optimizer.facenet(OptimizerKind.ADAM), tf.constant(0.01f), step);
      var train = tf.withControlDependencies(List.of(replicas.update())).assignAdd(step, tf.constant(1L));
      s.initialize();
      try (TFloat32 tx = TFloat32.tensorOf(Shape.of(N, H, H, C), DataBuffers.of(x));
          TFloat32 ty = TFloat32.tensorOf(Shape.of(N, 2), DataBuffers.of(y))) {
        Session.Runner first = s.runner().feed(xs, tx).feed(ys, ty).addTarget(train)
            .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
        List<Output<?>> fetched = new ArrayList<>();
        for (LocalReplicas.Replica r : replicas.replicas()) fetched.addAll(r.gradients());
        for (Output<?> o : fetched) first.fetch(o);
        try (Result res = first.runAndFetchMetadata()) {
          // Where the nodes ran: each replica's forward convolutions, all-reduces (of the gradient buckets, of the batch
          // norms' moments and of their gradients) and Adam updates on its own device. (Its other gradient ops carry
          // no device: TF_AddGradients places none; see docs/distributed.md.)
          Map<String, List<String>> ran = new LinkedHashMap<>();
          for (var dev : res.getMetadata().orElseThrow().getStepStats().getDevStatsList()) {
            for (var node : dev.getNodeStatsList()) ran.computeIfAbsent(node.getNodeName(), k -> new ArrayList<>()).add(dev.getDevice());
          }
          Map<String, Integer> collectives = new java.util.TreeMap<>();
          g.operations().forEachRemaining(op -> {
            if (!List.of("Conv2D", "CollectiveReduceV2", "ApplyAdam").contains(op.type())) return;
            String replica = op.name().substring(0, op.name().indexOf('/'));
            assertEquals(List.of("/job:localhost/replica:0/task:0/device:CPU:" + replica.charAt(8)), ran.get(op.name()),
                op.name());
            if (op.type().equals("CollectiveReduceV2")) collectives.merge(replica, 1, Integer::sum);
          });
          // Per replica: 2 batch norms' moments, their 2 gradients, 1 bucket of gradients.
          assertEquals(Map.of("replica_0", 5, "replica_1", 5), collectives);
          int k = 0;
          for (LocalReplicas.Replica r : replicas.replicas()) {
            for (VariableStore.Entry e : r.trainable()) {
              float[] want = whole.get(plain(e.path()));
              float[] got = SyncBatchNormTest.floats((TFloat32) res.get(k++));
              for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-5 * Math.max(1, Math.abs(want[i])), e.path() + "[" + i + "]");
              }
            }
          }
        }
        for (int i = 0; i < 2; i++) s.runner().feed(xs, tx).feed(ys, ty).addTarget(train).run();
      }
      Map<String, float[]> zero = byPlainName(replicas.replicas().get(0).variables().values(s));
      Map<String, float[]> one = byPlainName(replicas.replicas().get(1).variables().values(s));
      assertEquals(zero.keySet(), one.keySet());
      assertTrue(zero.containsKey("conv2/BatchNorm/moving_variance") && zero.containsKey("fc/weights/Adam"),
          zero.keySet().toString());
      for (String path : zero.keySet()) assertArrayEquals(zero.get(path), one.get(path), path);
      assertTrue(SyncBatchNormTest.maxDifference(Map.of("fc/weights", whole.get("fc/weights")),
          Map.of("fc/weights", zero.get("fc/weights"))) > 0, "the steps changed the weights");
    }
  }

  /** The gradients fetched and, per node of a replica, whether it ran on its replica's device. */
  record Placement(List<float[]> gradients, int onItsDevice, int elsewhere) {}

  /** One step of {@code graph} in a session with two CPU devices, initialised and run by operation names. */
  static Placement run(org.tensorflow.proto.GraphDef graph, List<String> fetches, String xs, String ys, float[] x,
      float[] y) {
    ConfigProto config = ConfigProto.newBuilder().putDeviceCount("CPU", 2).build();
    try (Graph g = new Graph(); Session s = new Session(g, config)) {
      g.importGraphDef(graph);
      Session.Runner init = s.runner();
      g.operations().forEachRemaining(op -> {
        if (op.type().equals("Assign")) init.addTarget(op.name());
      });
      init.run();
      try (TFloat32 tx = TFloat32.tensorOf(Shape.of(N, H, H, C), DataBuffers.of(x));
          TFloat32 ty = TFloat32.tensorOf(Shape.of(N, 2), DataBuffers.of(y))) {
        Session.Runner run = s.runner().feed(xs, tx).feed(ys, ty)
            .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
        fetches.forEach(run::fetch);
        try (Result res = run.runAndFetchMetadata()) {
          List<float[]> got = new ArrayList<>();
          for (int k = 0; k < fetches.size(); k++) got.add(SyncBatchNormTest.floats((TFloat32) res.get(k)));
          int mine = 0;
          int other = 0;
          for (var dev : res.getMetadata().orElseThrow().getStepStats().getDevStatsList()) {
            for (var node : dev.getNodeStatsList()) {
              String name = node.getNodeName();
              if (!name.startsWith("replica_") || name.contains("/_")) continue;  // "/_n": a transfer TensorFlow added
              if (dev.getDevice().endsWith("CPU:" + name.charAt(8))) mine++;
              else other++;
            }
          }
          return new Placement(got, mine, other);
        }
      }
    }
  }

  @Test
  void placedGraphRunsEveryNodeOfAReplicaOnItsDevice() {
    Random rnd = new Random(11);
    float[] x = SyncBatchNormTest.random(rnd, N * H * H * C, 0.5);
    float[] y = SyncBatchNormTest.random(rnd, N * 2, 0);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> xs = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(N, H, H, C)));
      Placeholder<TFloat32> ys = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(N, 2)));
      Variable<TInt64> step = tf.withName("global_step").variable(tf.constant(0L));
      LocalReplicas replicas = LocalReplicas.build(tf, LocalReplicas.devices(DeviceSpec.DeviceType.CPU, 2), 1,
          new LocalReplicas.Settings(5, 0f, SyncBatchNormTest.BN, true, 1 << 20, 30f), List.of(xs, ys),
          LocalReplicasTest::tower, Optimizer.facenet(OptimizerKind.ADAM), tf.constant(0.01f), step);
      List<String> fetches = new ArrayList<>();
      for (LocalReplicas.Replica r : replicas.replicas()) {
        for (Output<?> d : r.gradients()) fetches.add(d.op().name());
      }
      org.tensorflow.proto.GraphDef def = g.toGraphDef();
      Placement unplaced = run(def, fetches, xs.op().name(), ys.op().name(), x, y);
      Placement placed = run(replicas.placed(def), fetches, xs.op().name(), ys.op().name(), x, y);
      // As built, the gradient ops carry no device and replica 1's run on CPU:0; placed, every node of a replica runs
      // on its device, computing the same gradients.
      assertTrue(unplaced.elsewhere() > 100, unplaced.toString());
      assertEquals(0, placed.elsewhere(), placed.toString());
      assertTrue(placed.onItsDevice() > 300, placed.toString());
      for (int k = 0; k < fetches.size(); k++) {
        float[] want = unplaced.gradients().get(k);
        float[] got = placed.gradients().get(k);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-6, fetches.get(k) + "[" + i + "]");
      }
    }
  }

  static String plain(String path) {
    return path.startsWith("replica_") ? path.substring(path.indexOf('/') + 1) : path;
  }

  static Map<String, float[]> byPlainName(Map<String, float[]> values) {
    Map<String, float[]> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(plain(k), v));
    return out;
  }
}
