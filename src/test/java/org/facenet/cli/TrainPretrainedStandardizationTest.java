package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.facenet.nn.Standardization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --pretrained-model brings the standardisation its model was trained with (fine-tuning a 2017 per-image model with
 * fixed standardisation would feed it other inputs than it learnt on); --standardization given explicitly wins.
 */
class TrainPretrainedStandardizationTest {

  @TempDir
  Path dir;

  private Standardization chosen(String... args) throws Exception {
    return TrainPresetTest.config(dir, args).model().standardization();
  }

  private Path savedModel(String standardization) throws IOException {
    Path sm = Files.createDirectories(dir.resolve("imported").resolve("saved_model"));
    Files.write(sm.resolve("saved_model.pb"), new byte[] {1, 2, 3});
    Files.writeString(sm.resolve("facenet-metadata.json"), "{\n  \"standardization\": \"" + standardization
        + "\",\n  \"image_size\": 160\n}\n", StandardCharsets.UTF_8);
    return sm;
  }

  @Test
  void aSavedModelsMetadataChoosesItUnlessTheFlagIsGiven() throws Exception {
    Path sm = savedModel("per-image: (x - mean) / max(std, 1/sqrt(n)), inside the graph");
    assertEquals(Standardization.PER_IMAGE, chosen("--pretrained-model", sm.toString()));
    assertEquals(Standardization.FIXED, chosen("--pretrained-model", sm.toString(), "--standardization", "FIXED"));
    assertEquals(Standardization.FIXED, chosen(), "without --pretrained-model the preset's default");
  }

  @Test
  void anOnnxFileIsArcFace() throws Exception {
    Path onnx = dir.resolve("r18.onnx");
    Files.write(onnx, new byte[] {8, 7});
    assertEquals(Standardization.ARCFACE, chosen("--pretrained-model", onnx.toString()));
  }

  @Test
  void aRunFolderAndItsCheckpointsSayWhatTheRunUsed() throws Exception {
    Path run = Files.createDirectories(dir.resolve("models").resolve("run"));
    Files.writeString(run.resolve("run.properties"), "standardization=PER_IMAGE\n", StandardCharsets.UTF_8);
    Path step = Files.createDirectories(run.resolve("checkpoints").resolve("step-00000010"));
    assertEquals(Standardization.PER_IMAGE, chosen("--pretrained-model", run.toString()));
    assertEquals(Standardization.PER_IMAGE, chosen("--pretrained-model", step.toString()));
  }

  @Test
  void facenetsOwnFilesDoNotSaySoTheFlagDecides() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("20170512-110547"));
    assertEquals(Standardization.FIXED, chosen("--pretrained-model", folder.toString()));
    assertEquals(Standardization.PER_IMAGE,
        chosen("--pretrained-model", folder.toString(), "--standardization", "PER_IMAGE"));
  }

  @Test
  void anUnknownValueNamesTheFile() throws Exception {
    Path sm = savedModel("sepia: something else");
    IOException e = assertThrows(IOException.class, () -> chosen("--pretrained-model", sm.toString()));
    assertTrue(e.getMessage().contains("facenet-metadata.json") && e.getMessage().contains("sepia"), e.getMessage());
  }
}
