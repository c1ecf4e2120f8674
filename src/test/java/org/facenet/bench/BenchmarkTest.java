package org.facenet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.facenet.nn.BackboneConfig;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.junit.jupiter.api.Test;

class BenchmarkTest {

  @Test
  void flopsComeFromTheGraphSummary() {
    // graphs/inception_resnet_v1.txt: 2.835 GFLOP forward per 160 px image at 512-D.
    ModelSpec full = new ModelSpec("inception-resnet-v1", 160, new BackboneConfig(512, 0.8f, 1f, 1f), 0f,
        Standardization.FIXED);
    assertEquals(2.835e9, Benchmark.flops(full), 0.001e9);
  }

  @Test
  void tinyRunMeasuresBothDirections() {
    ModelSpec tiny = new ModelSpec("inception-resnet-v1", 75, new BackboneConfig(16, 1f, 0.125f, 0.2f), 0f,
        Standardization.FIXED);
    Benchmark.Row row = Benchmark.run(tiny, "softmax", 4, 1, 2, 0);
    assertTrue(row.trainImagesPerSecond() > 0 && row.embedImagesPerSecond() > 0, row.toString());
    assertEquals(Benchmark.flops(tiny) / 1e9, row.gflopsPerImage(), 1e-12);
    assertTrue(Benchmark.table(java.util.List.of(row)).contains("| inception-resnet-v1 | 75 | 4 |"));
  }
}
