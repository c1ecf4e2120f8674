package org.facenet.distribute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.facenet.train.TrainerTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two facenet-train processes with TF_CONFIG on loopback train one tiny model together: their parameters are equal
 * (the checksums each prints), the chief alone writes the run folder and exports, a resume continues the step count on
 * both, two workers of {@code --replicas 2} each print four equal checksums, and killing one worker makes the other
 * stop with the message within the collective timeout.
 */
class MultiWorkerTrainingTest {

  @TempDir
  static Path dir;

  static Path data;

  private static final Pattern CHECKSUM = Pattern.compile("worker (\\d) checksum step (\\d+): (.*)");
  private static final Pattern REPLICA_CHECKSUM = Pattern.compile(
      "worker (\\d) replica (\\d) checksum step (\\d+): (.*)");

  @BeforeAll
  static void dataset() throws Exception {
    data = TrainerTest.tinyDataset(dir.resolve("data"));
  }

  record Worker(Process process, Path log) {
    String output() throws IOException {
      return Files.readString(log, StandardCharsets.UTF_8);
    }
  }

  static List<Worker> start(List<String> addresses, Path models, String... extra) throws IOException {
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) workers.add(start(addresses, i, models, extra));
    return workers;
  }

  /** Worker {@code i} of the cluster {@code addresses}: facenet-train in a JVM of its own, TF_CONFIG set. */
  static Worker start(List<String> addresses, int i, Path models, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xss8m", "-Xmx1g", "-cp", System.getProperty("java.class.path"), "org.facenet.cli.FacenetCommand", "train",
        "--data", data.toString(), "--image-size", "75", "--width", "0.125", "--depth", "0.2",
        "--embedding-size", "16", "--batch-size", "8", "--epoch-size", "4", "--checkpoint-every", "2",
        "--models-dir", models.resolve("worker" + i).toString(), "--run-name", "run", "--collective-timeout", "15",
        "--threads", "1", "--input-threads", "1"));
    cmd.addAll(List.of(extra));
    Path log = dir.resolve("worker" + i + "-" + System.nanoTime() + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("TF_CONFIG", "{\"cluster\": {\"worker\": [\"" + String.join("\", \"", addresses)
        + "\"]}, \"task\": {\"type\": \"worker\", \"index\": " + i + "}}");
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    return new Worker(pb.start(), log);
  }

  static void finish(List<Worker> workers) throws Exception {
    for (Worker w : workers) {
      assertTrue(w.process().waitFor(240, TimeUnit.SECONDS), "worker did not finish:\n" + w.output());
      assertEquals(0, w.process().exitValue(), w.output());
    }
  }

  /** step -> checksum text, as the worker printed them. */
  static java.util.Map<Long, String> checksums(Worker w) throws IOException {
    java.util.Map<Long, String> out = new java.util.TreeMap<>();
    Matcher m = CHECKSUM.matcher(w.output());
    while (m.find()) out.put(Long.parseLong(m.group(2)), m.group(3));
    return out;
  }

  @Test
  void twoWorkersTrainOneModelAndResumeTogether() throws Exception {
    List<String> addresses = LoopbackCluster.addresses(2);
    Path models = dir.resolve("models");
    List<Worker> workers = start(addresses, models, "--max-epochs", "1");
    finish(workers);
    var c0 = checksums(workers.get(0));
    var c1 = checksums(workers.get(1));
    assertEquals(List.of(2L, 4L), List.copyOf(c0.keySet()), workers.get(0).output());
    assertEquals(c0, c1, "the replicas' variables must be identical at every checkpoint");
    assertTrue(workers.get(0).output().contains("settings, step 0 and variables agree"));
    Path run = models.resolve("worker0").resolve("run");
    assertTrue(Files.isDirectory(run.resolve("checkpoints").resolve("step-00000004")));
    assertTrue(Files.isRegularFile(run.resolve("saved_model").resolve("saved_model.pb")), "the chief exports");
    assertFalse(Files.exists(models.resolve("worker1")), "only the chief writes");

    List<Worker> resumed = start(addresses, models, "--resume", run.toString(), "--max-epochs", "2");
    finish(resumed);
    for (Worker w : resumed) assertTrue(w.output().contains("resumed " + run.resolve("checkpoints").resolve("step-00000004")), w.output());
    var r0 = checksums(resumed.get(0));
    assertEquals(List.of(6L, 8L), List.copyOf(r0.keySet()), resumed.get(0).output());
    assertEquals(r0, checksums(resumed.get(1)));
  }

  @Test
  void twoWorkersWithSyncBatchNormStayIdentical() throws Exception {
    List<Worker> workers = start(LoopbackCluster.addresses(2), dir.resolve("sync"), "--max-epochs", "1", "--no-export",
        "--sync-batch-norm");
    finish(workers);
    var c0 = checksums(workers.get(0));
    assertEquals(List.of(2L, 4L), List.copyOf(c0.keySet()), workers.get(0).output());
    assertEquals(c0, checksums(workers.get(1)), "the replicas' variables must be identical at every checkpoint");
    for (Worker w : workers) {
      assertTrue(Pattern.compile("worker \\d of 2: \\d+ batch norms on the moments of the global batch")
          .matcher(w.output()).find(), w.output());
    }
  }

  @Test
  void twoWorkersOfTwoReplicasEachStayIdentical() throws Exception {
    Path models = dir.resolve("replicas");
    List<Worker> workers = start(LoopbackCluster.addresses(2), models, "--max-epochs", "1", "--replicas", "2",
        "--no-export");
    finish(workers);
    Map<Long, List<String>> sums = new TreeMap<>(); // step -> every replica's checksum text
    for (Worker w : workers) {
      Matcher m = REPLICA_CHECKSUM.matcher(w.output());
      while (m.find()) sums.computeIfAbsent(Long.parseLong(m.group(3)), s -> new ArrayList<>()).add(m.group(4));
    }
    assertEquals(List.of(2L, 4L), List.copyOf(sums.keySet()), workers.get(0).output());
    for (var e : sums.entrySet()) {
      assertEquals(4, e.getValue().size(), "step " + e.getKey() + ": " + e.getValue());
      assertEquals(1, e.getValue().stream().distinct().count(), "step " + e.getKey() + ": " + e.getValue());
    }
    for (int i = 0; i < 2; i++) {
      assertTrue(workers.get(i).output().contains("worker " + i + " of 2: replicas: 2 on [/job:worker/replica:0/task:"
          + i + "/device:CPU:0, /job:worker/replica:0/task:" + i + "/device:CPU:1]"), workers.get(i).output());
    }
    assertTrue(Files.isDirectory(models.resolve("worker0/run/checkpoints/step-00000004")));
    assertFalse(Files.exists(models.resolve("worker1")), "only the chief writes");
  }

  /**
   * Two workers train until worker 1's second checkpoint step, then worker {@code victim} is killed (kill -9): the
   * other must end with exit 4 within the collective timeout and some slack, its output containing one of
   * {@code messages}.
   */
  private static void killedWorkerStopsTheOther(String name, int victim, String... messages) throws Exception {
    List<String> addresses = LoopbackCluster.addresses(2);
    List<Worker> workers = start(addresses, dir.resolve(name), "--max-epochs", "1000", "--no-export");
    Worker other = workers.get(1);
    Worker survivor = workers.get(1 - victim);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!other.output().contains("checksum step 2:")) {
      assertTrue(System.nanoTime() < deadline && other.process().isAlive(), "worker 1 never trained:\n" + other.output());
      Thread.sleep(200);
    }
    workers.get(victim).process().destroyForcibly();
    long killed = System.nanoTime();
    assertTrue(survivor.process().waitFor(60, TimeUnit.SECONDS), "the survivor hung after losing a worker:\n"
        + survivor.output());
    double seconds = (System.nanoTime() - killed) / 1e9;
    assertEquals(4, survivor.process().exitValue(), survivor.output());
    String out = survivor.output();
    assertTrue(java.util.Arrays.stream(messages).anyMatch(out::contains), out);
    assertTrue(seconds < 15 + 30, "stopped after " + seconds + " s");
  }

  @Test
  void aWorkerThatDiesStopsTheOtherWithinTheTimeout() throws Exception {
    killedWorkerStopsTheOther("killed", 1, "worker 0 of 2 lost another worker");
  }

  @Test
  void aChiefThatDiesStopsTheOtherWorkerWithinTheTimeout() throws Exception {
    // the worker's session asks the chief for step ids and TensorFlow retries that without a bound: LeaderWatch ends it
    // if the all-reduce's own error does not come first
    killedWorkerStopsTheOther("chief-killed", 0, "worker 1 of 2 lost another worker", "worker 1 of 2: worker 0 (the chief");
  }

  @Test
  void aWorkerStartedWithOtherFlagsIsRefused() throws Exception {
    List<String> addresses = LoopbackCluster.addresses(2);
    Path models = dir.resolve("mismatch");
    List<Worker> workers = List.of(start(addresses, 0, models, "--max-epochs", "1", "--seed", "1"),
        start(addresses, 1, models, "--max-epochs", "1", "--seed", "2"));
    for (Worker w : workers) {
      assertTrue(w.process().waitFor(120, TimeUnit.SECONDS), w.output());
      assertEquals(2, w.process().exitValue(), w.output());
      assertTrue(w.output().contains("started with different settings"), w.output());
    }
    assertFalse(Files.exists(models.resolve("worker0").resolve("run")), "the refused chief takes back its run folder");
  }
}
