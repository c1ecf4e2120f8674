package org.facenet.distribute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.facenet.runtime.Precision;
import org.facenet.runtime.SessionOptions;
import org.facenet.train.Distribution;
import org.facenet.train.OptimizerKind;
import org.facenet.train.TrainerTest;
import org.facenet.train.TrainingConfig;
import org.facenet.train.TrainingGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * {@code --replicas 2} on each of two workers (TF_CONFIG): the W x N = 4 replicas are one all-reduce group. In this
 * JVM, two workers on their own in-process servers (two CPU devices each, the trainer's graph: tiny
 * Inception-ResNet-v1, softmax, SGD, --sync-batch-norm so that every replica's batch norms see the whole batch's
 * moments) take one step on the two halves of a batch: each of the four replicas' variables equals one tower's step on
 * the whole batch in one local session (to 1e-5), and the four are equal (to 1e-6). (Two facenet-train processes with
 * {@code --replicas 2}: {@link MultiWorkerTrainingTest}.)
 */
class WorkerReplicasTest {

  @TempDir
  static Path dir;

  @Test
  void fourReplicasOfTwoWorkersTakeTheStepOfTheWholeBatch() throws Exception {
    Map<String, float[]> before;
    Map<String, float[]> whole;
    try (TrainingGraph g = ReplicasTest.graph(Distribution.LOCAL); Session s = ReplicasTest.open(Distribution.LOCAL, g)) {
      s.initialize();
      before = g.variables.values(s);
      ReplicasTest.step(s, g, 11);
      whole = g.variables.values(s);
    }
    List<String> addresses = LoopbackCluster.addresses(2);
    ConfigProto base = SessionOptions.config(0, false, Precision.FLOAT32);
    TrainingConfig config = TrainerTest.config(dir, 1, 0.01, OptimizerKind.SGD);
    List<Distribution> workers = new ArrayList<>();
    List<TrainingGraph> graphs = new ArrayList<>();
    List<Session> sessions = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Map<String, float[]>> replicas = new ArrayList<>();
    List<ByteArrayOutputStream> logs = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Distribution d = Replicas.distributed(new TfConfig(addresses, i), 2, base, 30f, MultiWorker.DEFAULT_BUCKET_BYTES,
            true);
        assertEquals(List.of("/job:worker/replica:0/task:" + i + "/device:CPU:0",
            "/job:worker/replica:0/task:" + i + "/device:CPU:1"), d.replicaDevices().stream().map(Object::toString)
            .toList());
        workers.add(d);
        graphs.add(ReplicasTest.graph(d)); // built one after the other: custom gradients are registered process-wide
        sessions.add(ReplicasTest.open(d, graphs.get(i)));
      }
      List<Future<List<Map<String, float[]>>>> steps = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int k = i;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        logs.add(log);
        steps.add(pool.submit(() -> {
          Session s = sessions.get(k);
          TrainingGraph g = graphs.get(k);
          s.initialize();
          workers.get(k).checkStart(s, g, config, 0, new PrintStream(log, true, StandardCharsets.UTF_8));
          ReplicasTest.step(s, g, 11, k * ReplicasTest.BATCH / 2, (k + 1) * ReplicasTest.BATCH / 2, false).close();
          return List.of(ReplicasTest.values(s, g.replicas.get(0), ""),
              ReplicasTest.values(s, g.replicas.get(1), "replica_1/"));
        }));
      }
      for (Future<List<Map<String, float[]>>> f : steps) replicas.addAll(f.get(240, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
      for (Session s : sessions) s.close();
      for (TrainingGraph g : graphs) g.close();
    }
    for (int w = 0; w < 2; w++) {
      String out = logs.get(w).toString(StandardCharsets.UTF_8);
      assertTrue(out.contains("worker " + w + " of 2: settings, step 0 and variables agree"), out);
      assertTrue(out.contains("all-reduced in one group of 4 with the other workers' replicas (auto)"), out);
    }
    assertEquals(4, replicas.size());
    System.out.printf("4 replicas of 2 workers against one tower on the whole batch: max difference %.3g; between the "
        + "replicas: %.3g%n", replicas.stream().mapToDouble(r -> maxDifference(whole, r)).max().orElseThrow(),
        replicas.stream().mapToDouble(r -> maxDifference(replicas.get(0), r)).max().orElseThrow());
    for (int r = 0; r < 4; r++) {
      ReplicasTest.assertClose(whole, replicas.get(r), 1e-5f);
      ReplicasTest.assertClose(replicas.get(0), replicas.get(r), 1e-6f);
    }
    // the comparison can fail: the step moved conv1 by far more than the tolerance
    String conv1 = "InceptionResnetV1/Conv2d_1a_3x3/weights";
    float moved = 0;
    for (int i = 0; i < before.get(conv1).length; i++) {
      moved = Math.max(moved, Math.abs(before.get(conv1)[i] - whole.get(conv1)[i]));
    }
    assertTrue(moved > 1e-3, "the step moved conv1 by " + moved);
  }

  static double maxDifference(Map<String, float[]> a, Map<String, float[]> b) {
    double max = 0;
    for (var e : a.entrySet()) {
      float[] other = b.get(e.getKey());
      for (int i = 0; i < e.getValue().length; i++) max = Math.max(max, Math.abs(e.getValue()[i] - other[i]));
    }
    return max;
  }
}
