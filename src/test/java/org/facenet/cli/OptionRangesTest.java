package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared range check: a value out of range is a usage error naming the option, before the command runs. */
class OptionRangesTest {

  @TempDir
  Path dir;

  @Range(min = 1)
  int atLeastOne;

  @Range(min = 0, max = 1, minExclusive = true)
  double unitInterval;

  private Range range(String field) throws NoSuchFieldException {
    return OptionRangesTest.class.getDeclaredField(field).getAnnotation(Range.class);
  }

  @Test
  void describesTheViolatedBound() throws Exception {
    assertNull(OptionRanges.problem(range("atLeastOne"), 1));
    assertEquals(">= 1", OptionRanges.problem(range("atLeastOne"), 0));
    assertEquals(">= 1", OptionRanges.problem(range("atLeastOne"), -5));
    assertNull(OptionRanges.problem(range("unitInterval"), 1));
    assertEquals("> 0 and <= 1", OptionRanges.problem(range("unitInterval"), 0));
    assertEquals("> 0 and <= 1", OptionRanges.problem(range("unitInterval"), 1.5));
    assertEquals("> 0 and <= 1", OptionRanges.problem(range("unitInterval"), Double.NaN));
  }

  @Test
  void embedBatchSizeZeroOrNegativeIsRefusedBeforeAnythingRuns() throws Exception {
    Files.createDirectories(dir.resolve("images"));
    Path out = dir.resolve("e.csv");
    for (String bad : new String[] {"0", "-5"}) {
      CommandsTest.Run r = CommandsTest.run("embed", dir.resolve("images").toString(), "--model",
          dir.resolve("no-such-model").toString(), "--out", out.toString(), "--batch-size", bad);
      assertEquals(2, r.exit(), r.err());
      assertTrue(r.err().contains("--batch-size must be >= 1, got " + bad), r.err());
      assertTrue(!Files.exists(out));
    }
  }
}
