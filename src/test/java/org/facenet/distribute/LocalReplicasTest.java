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
 * identical.
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

  static String plain(String path) {
    return path.startsWith("replica_") ? path.substring(path.indexOf('/') + 1) : path;
  }

  static Map<String, float[]> byPlainName(Map<String, float[]> values) {
    Map<String, float[]> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(plain(k), v));
    return out;
  }
}
