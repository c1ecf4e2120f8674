package org.facenet.distribute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.facenet.loss.LossOptions;
import org.facenet.loss.Losses;
import org.facenet.nn.VariableStore;
import org.facenet.runtime.Precision;
import org.facenet.runtime.SessionOptions;
import org.facenet.train.Distribution;
import org.facenet.train.Optimizer;
import org.facenet.train.OptimizerKind;
import org.facenet.train.TrainerTest;
import org.facenet.train.TrainingConfig;
import org.facenet.train.TrainingGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@code --replicas}: the trainer's training graph with two replicas on two CPU devices of one session (the tiny
 * Inception-ResNet-v1, softmax, SGD, no dropout, --sync-batch-norm so that the two halves' batch norms see the whole
 * batch's moments): each replica's backward pass is on its own device, as built and when run ({@link
 * GradientPlacement}); one step on a batch is one step of one replica on the same batch (to 1e-5 at every parameter);
 * after three steps
 * the two
 * replicas' variables (weights and moving statistics) are identical; the checkpoint holds replica 0's
 * variables only, under the plain names, so a 2-replica checkpoint restores into a 1-replica graph and back.
 */
class ReplicasTest {

  static final int BATCH = 8;

  @TempDir
  Path dir;

  static TrainingGraph graph(Distribution d) {
    return TrainingGraph.build(TrainerTest.TINY, Losses.create("softmax", LossOptions.defaults()), 4,
        Optimizer.facenet(OptimizerKind.SGD), 1, 0, false, List.of(), d);
  }

  static void step(Session s, TrainingGraph g, long seed) {
    step(s, g, seed, false).close();
  }

  /** One step; with {@code trace}, with FULL_TRACE step stats (the result holds them). */
  static Result step(Session s, TrainingGraph g, long seed, boolean trace) {
    return step(s, g, seed, 0, BATCH, trace);
  }

  /** One step on images {@code from..to-1} of the batch of {@code seed} (a worker's share of it). */
  static Result step(Session s, TrainingGraph g, long seed, int from, int to, boolean trace) {
    Random r = new Random(seed);
    int pixelsPerImage = 75 * 75 * 3;
    float[] pixels = new float[BATCH * pixelsPerImage];
    for (int i = 0; i < pixels.length; i++) pixels[i] = 255 * r.nextFloat();
    int[] labels = new int[BATCH];
    for (int i = 0; i < BATCH; i++) labels[i] = i % 4;
    pixels = java.util.Arrays.copyOfRange(pixels, from * pixelsPerImage, to * pixelsPerImage);
    labels = java.util.Arrays.copyOfRange(labels, from, to);
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(to - from, 75, 75, 3), DataBuffers.of(pixels, true, false));
        TInt32 y = TInt32.tensorOf(Shape.of(to - from), DataBuffers.of(labels, true, false));
        TFloat32 lr = TFloat32.scalarOf(0.01f)) {
      Session.Runner run = s.runner().feed(g.images, x).feed(g.labels, y).feed(g.learningRate, lr).addTarget(g.trainOp);
      if (!trace) return run.run();
      return run.setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build())
          .runAndFetchMetadata();
    }
  }

  static Replicas twoOnCpu() {
    return new Replicas(Replicas.devices(DeviceSpec.DeviceType.CPU, 2), 30f, MultiWorker.DEFAULT_BUCKET_BYTES, true);
  }

  static Session open(Distribution d, TrainingGraph g) {
    return d.open(g.graph, SessionOptions.config(0, false, Precision.FLOAT32));
  }

  static void start(Distribution d, Session s, TrainingGraph g) {
    d.checkStart(s, g, null, 0, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  static void assertClose(Map<String, float[]> expected, Map<String, float[]> actual, float tolerance) {
    assertEquals(expected.keySet(), actual.keySet());
    for (var e : expected.entrySet()) assertArrayEquals(e.getValue(), actual.get(e.getKey()), tolerance, e.getKey());
  }

  /** Replica r's values under replica 0's names. */
  static Map<String, float[]> values(Session s, VariableStore store, String prefix) {
    Map<String, float[]> out = new java.util.TreeMap<>();
    store.values(s).forEach((k, v) -> out.put(k.substring(prefix.length()), v));
    return out;
  }

  @Test
  void twoReplicasTrainAsOneOnTheSameBatchAndStayIdenticalAndTheirCheckpointIsAOneReplicaCheckpoint() {
    Replicas two = twoOnCpu();
    Path twoCheckpoint = dir.resolve("two/model");
    Path oneCheckpoint = dir.resolve("one/model");
    Map<String, float[]> oneAfterStep;
    Map<String, float[]> oneBefore;
    // the reference: one tower on the whole batch with the same batch-norm arithmetic (moments summed over a group of one)
    try (TrainingGraph g = graph(Distribution.LOCAL); Session s = open(Distribution.LOCAL, g)) {
      s.initialize();
      oneBefore = g.variables.values(s);
      step(s, g, 11);
      oneAfterStep = g.variables.values(s);
      s.save(oneCheckpoint.toString());
    }
    try (TrainingGraph g = graph(two); Session s = open(two, g)) {
      assertEquals(2, g.replicas.size());
      GradientPlacement.assertBuiltOnTheirDevices(g);
      s.initialize();
      start(two, s, g);
      try (Result traced = step(s, g, 11, true)) {
        GradientPlacement.assertRanOnTheirDevices(traced.getMetadata().orElseThrow());
      }
      Map<String, float[]> first = values(s, g.replicas.get(0), "");
      // Every parameter, to 1e-5 (1.8e-6 seen): before the gradients were gated (TrainingGraph.gated) an update could
      // run before the backward pass had read the weights it updates, and conv1's weights came out 1.8e-3 to 1.1e-2
      // apart on a step of 0.09, differently from run to run.
      assertClose(oneAfterStep, first, 1e-5f);
      // the comparison can fail: the step moved the weights by far more than the tolerance
      float[] before = oneAfterStep.get("InceptionResnetV1/Conv2d_1a_3x3/weights");
      assertTrue(before != null, oneAfterStep.keySet().toString());
      step(s, g, 12);
      step(s, g, 13);
      Map<String, float[]> zero = values(s, g.replicas.get(0), "");
      Map<String, float[]> one = values(s, g.replicas.get(1), "replica_1/");
      assertClose(zero, one, 0f);
      float moved = 0;
      for (int i = 0; i < before.length; i++) moved = Math.max(moved, Math.abs(before[i] - zero.get(
          "InceptionResnetV1/Conv2d_1a_3x3/weights")[i]));
      assertTrue(moved > 1e-3, "two more steps moved conv1 by " + moved);
      s.save(twoCheckpoint.toString());

      // a one-replica checkpoint restores into the two-replica graph (no replica_1 name is asked for) ...
      s.restore(oneCheckpoint.toString());
      start(two, s, g);
      assertClose(oneAfterStep, values(s, g.replicas.get(1), "replica_1/"), 0f);
    }
    // ... and the two-replica checkpoint into a one-replica graph, which has every name it holds
    try (TrainingGraph g = graph(Distribution.LOCAL); Session s = open(Distribution.LOCAL, g)) {
      s.restore(twoCheckpoint.toString());
      Map<String, float[]> restored = g.variables.values(s);
      assertEquals(oneAfterStep.keySet(), restored.keySet());
      assertTrue(restored.keySet().stream().noneMatch(k -> k.startsWith("replica_")), restored.keySet().toString());
    }
  }

  @Test
  void theGlobalBatchMustSplitEvenlyAmongEveryWorkersReplicas() {
    TrainingConfig eight = TrainerTest.config(dir, 1, 0.01, OptimizerKind.SGD); // --batch-size 8
    Replicas.check(2, 2, eight);
    Replicas.check(1, 8, eight);
    TrainingConfig six = eight.withChanges(Map.of("batch_size", "6"));
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> Replicas.check(2, 2, six));
    assertTrue(both.getMessage().contains("--batch-size 6 is the global batch and must divide evenly among the 4 "
        + "replicas (2 workers x 2)"), both.getMessage());
    IllegalArgumentException workers = assertThrows(IllegalArgumentException.class, () -> Replicas.check(1, 4, six));
    assertTrue(workers.getMessage().endsWith("among the 4 workers"), workers.getMessage());
    TrainingConfig triplets = eight.withChanges(Map.of("loss", "triplet-batch-hard", "people_per_batch", "6"));
    Replicas.check(3, 2, triplets);
    IllegalArgumentException people = assertThrows(IllegalArgumentException.class, () -> Replicas.check(2, 2, triplets));
    assertTrue(people.getMessage().contains("--people-per-batch 6 must divide evenly among the 4 replicas (2 workers x "
        + "2)"), people.getMessage());
  }

  @Test
  void aWorkersReplicaDevicesAreNamedWithItsTaskAndItsServerHasOneCpuDeviceEach() {
    List<DeviceSpec> cpus = Replicas.devices(DeviceSpec.DeviceType.CPU, 2);
    assertEquals(List.of("/job:worker/replica:0/task:3/device:CPU:0", "/job:worker/replica:0/task:3/device:CPU:1"),
        Replicas.onTask(cpus, 3).stream().map(DeviceSpec::toString).toList());
    ConfigProto base = SessionOptions.config(1, false, Precision.FLOAT32);
    assertEquals(Map.of("CPU", 2), Replicas.withDevices(base, cpus).getDeviceCountMap());
    assertEquals(base, Replicas.withDevices(base, Replicas.devices(DeviceSpec.DeviceType.GPU, 2)));
  }

  @Test
  void devicesAreTheVisibleGpusOrCpuDevicesAndTooManyAreRefused() {
    assertEquals(List.of("/device:GPU:0", "/device:GPU:1"),
        Replicas.choose(2, 4, 2).stream().map(DeviceSpec::toString).toList());
    assertEquals(List.of("/device:CPU:0", "/device:CPU:1"),
        Replicas.choose(2, 0, 2).stream().map(DeviceSpec::toString).toList());
    IllegalArgumentException gpus = assertThrows(IllegalArgumentException.class, () -> Replicas.choose(3, 2, 64));
    assertTrue(gpus.getMessage().contains("--replicas 3: TensorFlow sees 2 GPUs"), gpus.getMessage());
    IllegalArgumentException cpus = assertThrows(IllegalArgumentException.class, () -> Replicas.choose(3, 0, 2));
    assertTrue(cpus.getMessage().contains("at most the 2 processors"), cpus.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Replicas.choose(0, 0, 2));
    assertEquals(0, Replicas.visibleDevices("GPU"), "the CPU build sees no GPU");
    assertTrue(Replicas.visibleDevices("CPU") >= 1);
    assertEquals(Distribution.LOCAL, Replicas.local(1, 60, 1, false));
  }
}
