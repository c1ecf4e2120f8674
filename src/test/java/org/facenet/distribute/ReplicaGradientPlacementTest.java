package org.facenet.distribute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.facenet.train.TrainingGraph;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@code --replicas 2}: each replica's backward pass is on its own device in the trainer's graph (the tiny
 * Inception-ResNet-v1 of {@link ReplicasTest}, --sync-batch-norm, so the custom gradient of CollectiveReduceV2 goes
 * through {@link org.facenet.train.PlacedGradients} too), as built and when a step runs on two CPU devices.
 */
class ReplicaGradientPlacementTest {

  @Test
  void everyGradientNodeOfAReplicaIsAndRunsOnItsDevice() {
    Replicas two = ReplicasTest.twoOnCpu();
    try (TrainingGraph g = ReplicasTest.graph(two); Session s = ReplicasTest.open(two, g)) {
      Map<String, Integer> built = new TreeMap<>();
      Map<String, Integer> collectiveGradients = new TreeMap<>();
      g.graph.operations().forEachRemaining(op -> {
        String replica = replica(op.name());
        if (replica == null) return;
        String want = replica.equals("replica_1") ? "/device:CPU:1" : "/device:CPU:0";
        assertEquals(want, op.device(), op.name() + " (" + op.type() + ")");
        built.merge(replica + " " + op.device(), 1, Integer::sum);
        if (op.type().equals("CollectiveReduceV2")) collectiveGradients.merge(replica, 1, Integer::sum);
      });
      System.out.println("gradient nodes as built, by replica and device: " + built);
      assertTrue(built.getOrDefault("replica_1 /device:CPU:1", 0) > 500, built.toString());
      assertEquals(built.get("replica_0 /device:CPU:0"), built.get("replica_1 /device:CPU:1"), built.toString());
      // the gradients of the batch norms' moment all-reduces (--sync-batch-norm), by the custom gradient
      assertTrue(collectiveGradients.getOrDefault("replica_1", 0) > 0, collectiveGradients.toString());
      assertEquals(collectiveGradients.get("replica_0"), collectiveGradients.get("replica_1"));

      s.initialize();
      ReplicasTest.start(two, s, g);
      Random r = new Random(5);
      int n = ReplicasTest.BATCH;
      float[] pixels = new float[n * 75 * 75 * 3];
      for (int i = 0; i < pixels.length; i++) pixels[i] = 255 * r.nextFloat();
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) labels[i] = i % 4;
      try (TFloat32 x = TFloat32.tensorOf(Shape.of(n, 75, 75, 3), DataBuffers.of(pixels, true, false));
          TInt32 y = TInt32.tensorOf(Shape.of(n), DataBuffers.of(labels, true, false));
          TFloat32 lr = TFloat32.scalarOf(0.01f);
          Result res = s.runner().feed(g.images, x).feed(g.labels, y).feed(g.learningRate, lr).addTarget(g.trainOp)
              .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build())
              .runAndFetchMetadata()) {
        Map<String, Integer> ran = new TreeMap<>();
        for (var dev : res.getMetadata().orElseThrow().getStepStats().getDevStatsList()) {
          String device = dev.getDevice().substring(dev.getDevice().indexOf("/device:"));
          for (var node : dev.getNodeStatsList()) {
            String replica = replica(node.getNodeName());
            if (replica == null || node.getNodeName().contains("/_")) continue; // "/_n": a transfer TensorFlow added
            ran.merge(replica + " " + device, 1, Integer::sum);
          }
        }
        System.out.println("gradient nodes run in one step, by replica and device: " + ran);
        assertEquals(0, ran.getOrDefault("replica_1 /device:CPU:0", 0), ran.toString());
        assertEquals(0, ran.getOrDefault("replica_0 /device:CPU:1", 0), ran.toString());
        assertTrue(ran.getOrDefault("replica_1 /device:CPU:1", 0) > 300, ran.toString());
      }
    }
  }

  /** The replica whose backward pass {@code name} belongs to ("replica_0", "replica_1"), or null. */
  static String replica(String name) {
    if (name.startsWith("Gradients/")) return "replica_0";
    if (name.startsWith("replica_1/Gradients/")) return "replica_1";
    return null;
  }
}
