package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What bench's second JVM prints with --embed-only, the lines the first one reads its embed column from. */
class BenchCommandTest {

  @Test
  void embedOnlyPrintsOneRateAModelAndNothingElse() {
    CommandsTest.Run r = CommandsTest.run("bench", "--image-size", "75", "--width", "0.125", "--depth", "0.2",
        "--embedding-size", "16", "--batch-size", "2", "--warmup", "0", "--steps", "1", "--embed-only");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(1, lines.size(), r.out());
    assertTrue(lines.get(0).startsWith("embed_images_per_second="), r.out());
    assertTrue(Double.parseDouble(lines.get(0).substring(lines.get(0).indexOf('=') + 1)) > 0, r.out());
  }
}
