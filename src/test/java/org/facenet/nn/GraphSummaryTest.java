package org.facenet.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed graphs/ files must match what the code builds, so architecture changes are deliberate. */
class GraphSummaryTest {

  @Test
  void committedGraphFilesMatchTheCode() throws Exception {
    Path dir = Path.of("graphs");
    List<String> backbones = Backbones.names();
    for (String name : backbones) {
      Path file = dir.resolve(GraphSummary.fileName(name));
      assertTrue(Files.exists(file), file + " is missing: run tools/facenet graph --backbone " + name);
      String committed = Files.readString(file);
      Backbone b = Backbones.create(name);
      int embedding = Integer.parseInt(committed.lines().filter(l -> l.startsWith("# backbone:")).findFirst().orElseThrow()
          .replaceAll(".*embedding (\\d+).*", "$1"));
      ModelSpec spec = new ModelSpec(name, b.defaultImageSize(), new BackboneConfig(embedding, 0.8f, 1f, 1f), 5e-4f,
          Standardization.FIXED);
      String header = committed.lines().takeWhile(l -> l.startsWith("# ") && !l.startsWith("# backbone:"))
          .map(l -> l.substring(2)).reduce((a, c) -> a + "\n" + c).orElse("");
      assertEquals(committed, GraphSummary.describe(spec, header),
          file + " differs from the architecture the code builds; regenerate it with tools/facenet graph --backbone " + name);
    }
  }

  @Test
  void flopsOfTheStemConvolutionAreCountedByHand() {
    // A one-block model is not available, so check the count of the full model's first convolution through the
    // summary of a tiny width: FLOPs scale exactly with output size x kernel x channels.
    ModelSpec spec = new ModelSpec("inception-resnet-v1", 160, new BackboneConfig(128, 1f, 1f, 1f), 0f,
        Standardization.FIXED);
    String text = GraphSummary.describe(spec, null);
    assertTrue(text.contains("InceptionResnetV1/Conv2d_1a_3x3/weights [3, 3, 3, 32] 864\n"), text.substring(0, 600));
    // Reference: Inception-ResNet-v1 at 160 px is about 2.8 GFLOP forward (REFERENCE.md).
    double gflop = Double.parseDouble(text.lines().filter(l -> l.startsWith("# forward FLOPs")).findFirst().orElseThrow()
        .replaceAll(".*\\((\\d+\\.\\d+) GFLOP\\).*", "$1"));
    assertEquals(2.8, gflop, 0.1);
  }
}
