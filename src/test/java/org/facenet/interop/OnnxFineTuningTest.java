package org.facenet.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.facenet.data.Augmentation;
import org.facenet.export.ModelExporterTest;
import org.facenet.interop.onnx.Onnx;
import org.facenet.loss.LossOptions;
import org.facenet.nn.ModelSpec;
import org.facenet.runtime.Precision;
import org.facenet.train.FineTuning;
import org.facenet.train.OptimizerKind;
import org.facenet.train.Trainer;
import org.facenet.train.TrainerTest;
import org.facenet.train.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** facenet-train --pretrained-model FILE.onnx: the iresnet's variables come from the ONNX file by the import's mapping. */
class OnnxFineTuningTest {

  @TempDir
  Path dir;

  @Test
  void anOnnxFileInitialisesTheIResNetAndItsEmbeddingsAreTheGraphs() throws Exception {
    Onnx.ModelProto model = OnnxFixtures.iresnet18(16, 32, 8, 9);
    Path file = dir.resolve("r18.onnx");
    Files.write(file, model.toByteArray());
    ModelSpec spec = OnnxTensors.open(file).spec();
    Path data = TrainerTest.tinyDataset(dir.resolve("data"));
    TrainingConfig config = new TrainingConfig(spec, "softmax", LossOptions.defaults(), data, 1, OptimizerKind.ADAM,
        1e-12, null, 1, 1, 8, 1, new Augmentation(false, false, 0f), 1000, null, null, 0, 1, 4, 2, false, 0,
        Precision.FLOAT32);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Path run = dir.resolve("run");
    new Trainer(new PrintStream(log, true), false).withFineTuning(new FineTuning(file, List.of(), false))
        .train(config, run);
    int network = ModelLayout.of(spec).variables().size();
    String out = log.toString();
    assertTrue(out.contains("(insightface-onnx): restored " + network + " of " + (network + 2) + " variables, 2 new "
        + "(Logits/weights, Logits/biases)"), out);

    int n = 2;
    float[] px = ModelExporterTest.pixels(n, 32, 4);
    double[][] expected = OnnxReference.embeddings(model, px, n, 32);
    Path step0 = run.resolve("checkpoints").resolve("step-00000000").resolve("model");
    float[] got = ModelExporterTest.referenceEmbeddings(spec, step0, px, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 8; j++) assertEquals(expected[i][j], got[i * 8 + j], 1e-5, "image " + i + " dim " + j);
    }
  }

  @Test
  void aShapeMismatchIsNamedBeforeTheRunFolderIsCreated() throws Exception {
    Path file = dir.resolve("r18.onnx");
    Files.write(file, OnnxFixtures.iresnet18(16, 32, 8, 9).toByteArray());
    ModelSpec wide = new ModelSpec("iresnet18", 32, new org.facenet.nn.BackboneConfig(8, 1f, 0.5f, 1f), 5e-4f,
        org.facenet.nn.Standardization.ARCFACE);
    Path data = TrainerTest.tinyDataset(dir.resolve("data"));
    TrainingConfig config = new TrainingConfig(wide, "softmax", LossOptions.defaults(), data, 1, OptimizerKind.ADAM,
        1e-12, null, 1, 1, 8, 1, new Augmentation(false, false, 0f), 1000, null, null, 0, 1, 4, 2, false, 0,
        Precision.FLOAT32);
    Path run = dir.resolve("run");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false)
            .withFineTuning(new FineTuning(file, List.of(), false)).train(config, run));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("IResNet18/conv1/weights"),
        e.getMessage());
    assertTrue(!Files.exists(run), "nothing created");
  }
}
