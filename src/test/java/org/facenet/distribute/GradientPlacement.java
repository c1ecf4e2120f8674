package org.facenet.distribute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.facenet.train.TrainingGraph;
import org.tensorflow.proto.RunMetadata;

/**
 * {@code --replicas 2}'s gradient placement ({@link org.facenet.train.PlacedGradients}), checked on {@link
 * ReplicasTest}'s graph (the tiny Inception-ResNet-v1 on two CPU devices, --sync-batch-norm, so the custom gradient of
 * CollectiveReduceV2 goes through it too) and step: every node of replica r's backward pass is on /device:CPU:r as
 * built, and none of replica 1's runs on CPU:0. The counts are printed (docs/distributed.md quotes them).
 */
final class GradientPlacement {

  private GradientPlacement() {}

  /** Every gradient node of replica r on /device:CPU:r, the two replicas with as many, CollectiveReduceV2s among them. */
  static void assertBuiltOnTheirDevices(TrainingGraph g) {
    Map<String, Integer> built = new TreeMap<>();
    Map<String, Integer> collectives = new TreeMap<>();
    g.graph.operations().forEachRemaining(op -> {
      String replica = replica(op.name());
      if (replica == null) return;
      String want = replica.equals("replica_1") ? "/device:CPU:1" : "/device:CPU:0";
      assertEquals(want, op.device(), op.name() + " (" + op.type() + ")");
      built.merge(replica + " " + op.device(), 1, Integer::sum);
      if (op.type().equals("CollectiveReduceV2")) collectives.merge(replica, 1, Integer::sum);
    });
    System.out.println("gradient nodes as built, by replica and device: " + built + "; CollectiveReduceV2 among them: "
        + collectives);
    assertTrue(built.getOrDefault("replica_1 /device:CPU:1", 0) > 500, built.toString());
    assertEquals(built.get("replica_0 /device:CPU:0"), built.get("replica_1 /device:CPU:1"), built.toString());
    // the gradients of the batch norms' moment all-reduces (--sync-batch-norm), by the custom gradient
    assertTrue(collectives.getOrDefault("replica_1", 0) > 0, collectives.toString());
    assertEquals(collectives.get("replica_0"), collectives.get("replica_1"));
  }

  /** In a traced step: none of replica 1's gradient nodes on CPU:0, none of replica 0's on CPU:1, many on CPU:1. */
  static void assertRanOnTheirDevices(RunMetadata metadata) {
    Map<String, Integer> ran = new TreeMap<>();
    for (var dev : metadata.getStepStats().getDevStatsList()) {
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

  /** The replica whose backward pass {@code name} belongs to ("replica_0", "replica_1"), or null. */
  static String replica(String name) {
    if (name.startsWith("Gradients/")) return "replica_0";
    if (name.startsWith("replica_1/Gradients/")) return "replica_1";
    return null;
  }
}
