package org.facenet.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.facenet.export.ModelExporter;
import org.facenet.export.ModelExporterTest;
import org.facenet.export.ModelMetadata;
import org.facenet.runtime.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading an exported model at a precision. */
public class EmbedderTest {

  @TempDir
  Path dir;

  @Test
  void bfloat16RunsTheModelInBfloat16AndStaysCloseToFloat32() throws Exception {
    assumeTrue(Precision.BFLOAT16.cpuWarning().isEmpty(), "this CPU has no bfloat16 instructions");
    var spec = ModelExporterTest.TINY;
    Path checkpoint = ModelExporterTest.trainFewSteps(spec, dir.resolve("run"));
    Path saved = dir.resolve("saved_model");
    ModelExporter.export(spec, checkpoint, saved, new ModelMetadata(spec));
    int n = 6;
    int d = spec.embeddingSize();
    float[] px = ModelExporterTest.pixels(n, spec.imageSize(), 21);
    float[][] single;
    float[][] again;
    float[][] half;
    try (Embedder e = Embedder.load(saved, Precision.FLOAT32)) {
      single = e.embed(px, n);
    }
    try (Embedder e = Embedder.load(saved)) {
      again = e.embed(px, n);
    }
    try (Embedder e = Embedder.load(saved, Precision.BFLOAT16)) {
      half = e.embed(px, n);
    }
    double largestFloat32Change = 0;
    double largestBfloat16Change = 0;
    for (int i = 0; i < n; i++) {
      double dot = 0;
      double norm = 0;
      for (int j = 0; j < d; j++) {
        largestFloat32Change = Math.max(largestFloat32Change, Math.abs(single[i][j] - again[i][j]));
        largestBfloat16Change = Math.max(largestBfloat16Change, Math.abs(single[i][j] - half[i][j]));
        dot += single[i][j] * (double) half[i][j];
        norm += half[i][j] * (double) half[i][j];
      }
      // bfloat16 keeps 8 significant bits (relative rounding 2^-9 = 0.002 per operand): a few such errors through the
      // network move a unit vector by well under 0.05, i.e. a cosine above 1 - 0.05^2 / 2.
      assertTrue(dot > 0.998, "image " + i + ": cosine to the float32 embedding " + dot);
      // The L2 normalisation is not on the rewrite's list: it runs in float32 on the bfloat16 network's output.
      assertEquals(1.0, Math.sqrt(norm), 1e-5, "image " + i + ": the embedding is L2-normalised in float32");
    }
    assertTrue(largestFloat32Change <= 1e-6, "float32 loads agree: " + largestFloat32Change);
    // ... and the rewrite took effect: rounding the weights alone to 8 bits moves the outputs far past float32 noise.
    assertTrue(largestBfloat16Change > 1e-4, "bfloat16 differs from float32 by " + largestBfloat16Change);
    assertTrue(largestBfloat16Change < 0.05, "bfloat16 differs from float32 by " + largestBfloat16Change);
  }
}
