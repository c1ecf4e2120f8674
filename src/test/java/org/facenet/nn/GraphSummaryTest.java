package org.facenet.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The committed graphs/ files must match what the code builds, so architecture changes are deliberate. */
class GraphSummaryTest {

  private static final Pattern BACKBONE_LINE = Pattern.compile(
      "# backbone: (\\S+), input (\\d+)x(\\d+)x3, embedding (\\d+), width (\\S+), depth (\\S+)");

  @Test
  void everyBackboneHasAGraphFile() {
    for (String name : Backbones.names()) {
      Path file = Path.of("graphs").resolve(GraphSummary.fileName(name));
      assertTrue(Files.exists(file), file + " is missing: run tools/facenet graph --backbone " + name);
    }
  }

  /** Every graphs/*.txt file, rebuilt from its "# backbone:" line (name, input, embedding, width, depth). */
  @Test
  void committedGraphFilesMatchTheCode() throws Exception {
    List<Path> files;
    try (Stream<Path> list = Files.list(Path.of("graphs"))) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
    }
    assertFalse(files.isEmpty());
    for (Path file : files) {
      String committed = Files.readString(file);
      String line = committed.lines().filter(l -> l.startsWith("# backbone:")).findFirst().orElse("");
      Matcher m = BACKBONE_LINE.matcher(line);
      assertTrue(m.matches(), file + ": no '# backbone:' line to rebuild from: " + line);
      String name = m.group(1);
      assertTrue(Backbones.names().contains(name), file + " describes " + name + ", which no longer is a backbone");
      assertEquals(GraphSummary.fileName(name), file.getFileName().toString(), file + " describes " + name);
      ModelSpec spec = new ModelSpec(name, Integer.parseInt(m.group(2)), new BackboneConfig(Integer.parseInt(m.group(4)),
          0.8f, Float.parseFloat(m.group(5)), Float.parseFloat(m.group(6))), 5e-4f, Standardization.FIXED);
      String header = committed.lines().takeWhile(l -> l.startsWith("# ") && !l.startsWith("# backbone:"))
          .map(l -> l.substring(2)).reduce((a, c) -> a + "\n" + c).orElse("");
      assertEquals(committed, GraphSummary.describe(spec, header),
          file + " differs from the architecture the code builds; regenerate it with tools/facenet graph --backbone " + name);
      String reference = spec.createBackbone().reference();
      if (!reference.isBlank()) {
        assertTrue(header.contains(reference), file + "'s header lacks the backbone's reference line: " + reference);
      }
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
