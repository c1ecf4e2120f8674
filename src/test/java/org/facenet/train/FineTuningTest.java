package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.facenet.data.Augmentation;
import org.facenet.export.ModelExporterTest;
import org.facenet.interop.CheckpointTensors;
import org.facenet.interop.FacenetFixtures;
import org.facenet.interop.ModelLayout;
import org.facenet.interop.NamedTensor;
import org.facenet.loss.LossOptions;
import org.facenet.nn.BackboneConfig;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.facenet.runtime.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --pretrained-model and --train-scopes on tiny runs. */
class FineTuningTest {

  @TempDir
  Path dir;

  static TrainingConfig config(ModelSpec spec, Path data, int steps, double lr) {
    return new TrainingConfig(spec, "softmax", LossOptions.defaults(), data, 1, OptimizerKind.ADAM, lr, null, 1, steps, 8,
        1, new Augmentation(false, false, 0f), 1000, null, null, 0, 1, 4, 2, false, 0, Precision.FLOAT32);
  }

  static Path checkpoint(Path run, long step) {
    return run.resolve("checkpoints").resolve(String.format("step-%08d", step)).resolve("model");
  }

  @Test
  void aFacenetLayoutCheckpointInitialisesTheBackboneAndTheEmbeddingsAreTheSources() throws Exception {
    Map<String, float[]> source = FacenetFixtures.randomValues(TrainerTest.TINY, 21);
    Path folder = dir.resolve("20180402-114759");
    FacenetFixtures.writeFolder(folder, source, TrainerTest.TINY);
    Path data = TrainerTest.tinyDataset(dir.resolve("data"));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Path run = dir.resolve("run");
    new Trainer(new PrintStream(log, true), false).withFineTuning(new FineTuning(folder, List.of(), true))
        .train(config(TrainerTest.TINY, data, 1, 1e-12), run);
    String out = log.toString();
    // Every backbone variable from the checkpoint; its Logits are for 10 classes, this data set has 4.
    int backbone = FacenetFixtures.layout(TrainerTest.TINY).variables().size();
    assertTrue(out.contains("restored " + backbone + " of " + (backbone + 2) + " variables, 2 new"), out);
    assertTrue(out.contains("new      Logits/weights [16, 4] (the source's is [16, 10])"), out);

    int n = 3;
    float[] px = ModelExporterTest.pixels(n, 75, 2);
    float[][] expected = FacenetFixtures.sourceEmbeddings(TrainerTest.TINY, source, px, n);
    float[] got = ModelExporterTest.referenceEmbeddings(TrainerTest.TINY, checkpoint(run, 0), px, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 16; j++) assertEquals(expected[i][j], got[i * 16 + j], 1e-5, "image " + i + " dim " + j);
    }
    // One step at a learning rate of 1e-12 moves no trained weight measurably (the moving statistics do move).
    ModelLayout layout = FacenetFixtures.layout(TrainerTest.TINY);
    Map<String, NamedTensor> after = CheckpointTensors.atPrefix(checkpoint(run, 1)).read(layout.paths());
    for (String p : layout.paths()) {
      if (p.contains("moving_")) continue;
      float[] a = source.get(p);
      float[] b = after.get(p).values();
      for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-6, p);
    }
  }

  @Test
  void trainScopesTrainOnlyTheirVariables() throws Exception {
    Path data = TrainerTest.tinyDataset(dir.resolve("data"));
    Path run = dir.resolve("run");
    new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false)
        .withFineTuning(new FineTuning(null, List.of("Bottleneck", "Logits"), false))
        .train(config(TrainerTest.TINY, data, 3, 0.01), run);
    List<String> names = new ArrayList<>(FacenetFixtures.layout(TrainerTest.TINY).paths());
    names.addAll(List.of("Logits/weights", "Logits/biases"));
    Map<String, NamedTensor> before = CheckpointTensors.atPrefix(checkpoint(run, 0)).read(names);
    Map<String, NamedTensor> after = CheckpointTensors.atPrefix(checkpoint(run, 3)).read(names);
    int trained = 0;
    for (String p : names) {
      if (p.contains("moving_")) continue;
      boolean inScope = p.startsWith("Logits/") || p.startsWith("InceptionResnetV1/Bottleneck/");
      if (inScope) {
        assertFalse(java.util.Arrays.equals(before.get(p).values(), after.get(p).values()), p + " was trained");
        trained++;
      } else {
        assertArrayEquals(before.get(p).values(), after.get(p).values(), p + " is outside the scopes");
      }
    }
    assertEquals(4, trained, "Bottleneck/weights, Bottleneck/BatchNorm/beta, Logits/weights, Logits/biases");
    Map<String, NamedTensor> slots = CheckpointTensors.atPrefix(checkpoint(run, 3)).read(List.of(
        "InceptionResnetV1/Conv2d_1a_3x3/weights/Adam", "InceptionResnetV1/Bottleneck/weights/Adam"));
    assertEquals(List.of("InceptionResnetV1/Bottleneck/weights/Adam"), List.copyOf(slots.keySet()),
        "optimizer slots only for the trained variables");
    assertEquals(List.of("Bottleneck", "Logits"), FineTuning.load(run).trainScopes(), "kept for --resume");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(
        new PrintStream(new ByteArrayOutputStream(), true), false)
        .withFineTuning(new FineTuning(null, List.of("Nonexistent"), false))
        .train(config(TrainerTest.TINY, data, 1, 0.01), dir.resolve("run2")));
    assertTrue(e.getMessage().contains("'Nonexistent'"), e.getMessage());
  }

  @Test
  void aBackboneShapeMismatchIsAnErrorNamingIt() throws Exception {
    Path data = TrainerTest.tinyDataset(dir.resolve("data"));
    Path source = dir.resolve("source");
    new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false)
        .train(config(TrainerTest.TINY, data, 1, 0.01), source);
    ModelSpec wider = new ModelSpec("inception-resnet-v1", 75, new BackboneConfig(32, 1f, 0.125f, 0.2f), 0f,
        Standardization.FIXED);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(
        new PrintStream(new ByteArrayOutputStream(), true), false)
        .withFineTuning(new FineTuning(source, List.of(), false)).train(config(wider, data, 1, 0.01), dir.resolve("run")));
    assertTrue(e.getMessage().contains("tensor InceptionResnetV1/Bottleneck/weights has shape [224, 16]")
        && e.getMessage().contains("needs [224, 32]"), e.getMessage());
  }
}
