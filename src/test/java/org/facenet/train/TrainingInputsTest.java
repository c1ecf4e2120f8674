package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.facenet.nn.BackboneConfig;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.junit.jupiter.api.Test;

/** Every input is checked before the run folder is created: a failed start leaves nothing, a retry works. */
class TrainingInputsTest extends TinyDatasetFixture {

  private static TrainingConfig tiny() {
    return TrainerTest.config(data, 1, 0.01, OptimizerKind.ADAM);
  }

  /** Starting {@code config} in a fresh folder fails with a message containing {@code expected}, creating nothing. */
  private static void refusedBeforeAnythingIsCreated(TrainingConfig config, String expected) {
    Path run = dir.resolve("runs/run-" + System.nanoTime());
    Trainer trainer = new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.train(config, run));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertFalse(Files.exists(run), "a failed start leaves no run folder: " + e.getMessage());
  }

  @Test
  void anUnknownLoss() {
    refusedBeforeAnythingIsCreated(tiny().withChanges(Map.of("loss", "tripplet")), "unknown loss 'tripplet'");
  }

  @Test
  void aBadScheduleFileAndThenARetryInTheSameFolder() throws Exception {
    Path schedule = Files.writeString(dir.resolve("schedule.txt"), "0: 0.01\n3: fast\n");
    TrainingConfig bad = tiny().withChanges(Map.of("learning_rate_schedule_file", schedule.toString()));
    refusedBeforeAnythingIsCreated(bad, schedule + ":2: learning rate 'fast' is not a number");
    Path run = dir.resolve("retry");
    Trainer trainer = new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false);
    assertThrows(IllegalArgumentException.class, () -> trainer.train(bad, run));
    assertFalse(Files.exists(run));
    // the same folder, at once (a run named by the second would get the same name): it starts
    Files.writeString(schedule, "0: 0.01\n");
    assertEquals(5, trainer.train(bad, run).lastStep());
  }

  @Test
  void anEmptyDataSet() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty/person_a"));
    refusedBeforeAnythingIsCreated(tiny().withChanges(Map.of("data_dir", empty.getParent().toString())), "no images");
  }

  @Test
  void oneIdentityForAClassificationLoss() throws Exception {
    Path one = dir.resolve("one");
    Files.createDirectories(one);
    try (var s = Files.list(data.resolve("class_1"))) {
      Path person = Files.createDirectories(one.resolve("only_person"));
      for (Path p : s.toList()) Files.copy(p, person.resolve(p.getFileName()));
    }
    refusedBeforeAnythingIsCreated(tiny().withChanges(Map.of("data_dir", one.toString())),
        "the data set has 1 identity; classification losses need >= 2");
  }

  @Test
  void fewerIdentitiesThanPeoplePerBatchForAMetricLoss() {
    // 4 identities of 6 images each (and a broken file in class_0)
    TrainingConfig config = tiny().withChanges(Map.of("loss", "triplet-batch-hard", "people_per_batch", "16"));
    refusedBeforeAnythingIsCreated(config, "--people-per-batch 16 but only 4 identities have >= 2 images");
  }

  @Test
  void anUnreadablePairsFile() {
    Path missing = dir.resolve("no-such-pairs.txt");
    TrainingConfig config = tiny().withEvaluation(missing, data, 5);
    Path run = dir.resolve("runs/pairs");
    Trainer trainer = new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false);
    Exception e = assertThrows(Exception.class, () -> trainer.train(config, run));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertFalse(Files.exists(run));
  }

  @Test
  void anImageSizeWhoseBatchCannotFitInThisMachine() {
    ModelSpec big = new ModelSpec("inception-resnet-v1", 1024, new BackboneConfig(16, 0.8f, 0.125f, 0.2f), 5e-4f,
        Standardization.FIXED);
    long perImage = MemoryEstimate.trainingBytes(big, 1);
    int batch = (int) Math.min(Integer.MAX_VALUE, MemoryEstimate.physicalMemory() / perImage + 1);
    TrainingConfig config = tiny().withChanges(Map.of("image_size", "1024", "keep_probability", "0.8",
        "weight_decay", "5.0E-4", "batch_size", Integer.toString(batch)));
    refusedBeforeAnythingIsCreated(config, "--image-size 1024 with a batch of " + batch + " images needs about");
  }

  @Test
  void theMemoryEstimateGrowsWithTheBatchAndTheSquareOfTheImageSide() {
    ModelSpec small = new ModelSpec("resnet18", 64, new BackboneConfig(16, 1f, 0.25f, 0.5f), 0f, Standardization.FIXED);
    ModelSpec large = new ModelSpec("resnet18", 128, new BackboneConfig(16, 1f, 0.25f, 0.5f), 0f, Standardization.FIXED);
    long a = MemoryEstimate.activationsPerImage(small);
    long b = MemoryEstimate.activationsPerImage(large);
    // every map of a fully convolutional backbone has 4x the cells at twice the side (the head's vectors do not)
    assertTrue(b > 3.9 * a && b < 4.01 * a, a + " -> " + b);
    assertEquals(2 * MemoryEstimate.trainingBytes(small, 10), MemoryEstimate.trainingBytes(small, 20), 1.0);
  }
}
