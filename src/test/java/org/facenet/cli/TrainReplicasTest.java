package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.facenet.train.TinyDatasetFixture;
import org.junit.jupiter.api.Test;

/**
 * {@code facenet-train --replicas 2} end to end on the tiny model (two CPU devices of one session): the replicas print
 * identical checksums at every checkpoint step, the run exports its SavedModel, and a one-replica resume continues
 * from the two-replica checkpoint; bad values are refused before the run folder exists.
 */
class TrainReplicasTest extends TinyDatasetFixture {

  private static String[] args(String runName, String... more) {
    return withBatch(runName, "8", more);
  }

  private static String[] withBatch(String runName, String batch, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--models-dir",
        dir.resolve("models").toString(), "--run-name", runName, "--image-size", "75", "--width", "0.125", "--depth",
        "0.2", "--embedding-size", "16", "--batch-size", batch, "--epoch-size", "2", "--max-epochs", "1",
        "--checkpoint-every", "1", "--learning-rate", "0.01", "--input-threads", "1"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void twoReplicasStayIdenticalExportAndResumeAsOne() throws Exception {
    assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "two CPU replicas need two processors");
    CommandsTest.Run r = CommandsTest.run(args("two", "--replicas", "2", "--sync-batch-norm",
        "--moving-average-decay", "0.999"));
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("replicas: 2 on [/device:CPU:0, /device:CPU:1], all-reduced (auto), "), r.out());
    for (int step : new int[] {1, 2}) {
      List<String> sums = r.out().lines().filter(l -> l.matches("replica [01] checksum step " + step + ":.*"))
          .map(l -> l.substring("replica 0 ".length())).toList();
      assertEquals(2, sums.size(), r.out());
      assertEquals(sums.get(0), sums.get(1), "step " + step);
    }
    Path run = dir.resolve("models/two");
    assertTrue(Files.exists(run.resolve("saved_model/saved_model.pb")), r.out());

    CommandsTest.Run resumed = CommandsTest.run("train", "--resume", run.toString(), "--max-epochs", "2",
        "--no-export");
    assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
    assertTrue(resumed.out().contains("resumed ") && resumed.out().contains("at step 2"), resumed.out());
    assertTrue(resumed.out().contains("trained steps 2..4"), resumed.out());
  }

  @Test
  void badReplicaCountsAndBatchesAreRefusedBeforeTheRunFolderExists() {
    CommandsTest.Run zero = CommandsTest.run(args("zero", "--replicas", "0"));
    assertEquals(2, zero.exit(), zero.err());
    assertTrue(zero.err().contains("--replicas must be"), zero.err());
    assumeTrue(Runtime.getRuntime().availableProcessors() < 64);
    CommandsTest.Run many = CommandsTest.run(withBatch("many", "64", "--replicas", "64"));
    assertEquals(2, many.exit(), many.err());
    assertTrue(many.err().contains("--replicas 64: no GPU is visible"), many.err());
    CommandsTest.Run odd = CommandsTest.run(withBatch("odd", "7", "--replicas", "2"));
    assertEquals(2, odd.exit(), odd.err());
    assertTrue(odd.err().contains("--batch-size 7 is the global batch and must divide evenly among the 2 replicas"),
        odd.err());
    for (String name : List.of("zero", "many", "odd")) assertFalse(Files.exists(dir.resolve("models/" + name)), name);
  }
}
