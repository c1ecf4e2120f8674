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

  @Test
  void everyNumericOptionOfEmbedVerifyBenchSynthAndGraphHasARange() {
    picocli.CommandLine root = new picocli.CommandLine(new FacenetCommand());
    java.util.List<String> unranged = new java.util.ArrayList<>();
    for (String name : java.util.List.of("embed", "verify", "bench", "synth", "graph")) {
      for (picocli.CommandLine.Model.OptionSpec o : root.getSubcommands().get(name).getCommandSpec().options()) {
        Class<?> t = o.type();
        boolean numeric = Number.class.isAssignableFrom(t) || (t.isPrimitive() && t != boolean.class && t != char.class);
        // A seed is any long: nothing to range.
        if (!numeric || o.longestName().equals("--seed")) continue;
        if (!(o.userObject() instanceof java.lang.reflect.AnnotatedElement e) || e.getAnnotation(Range.class) == null) {
          unranged.add(name + " " + o.longestName());
        }
      }
    }
    assertEquals(java.util.List.of(), unranged);
  }

  @Test
  void outOfRangeValuesOfTheOtherCommandsAreRefusedNamingTheOption() throws Exception {
    String[][] cases = {
        {"verify --pairs p.txt --embeddings e.csv --far 0", "--far must be > 0 and <= 1, got 0.0"},
        {"verify --make-pairs --data d --pairs p.txt --folds 1", "--folds must be >= 2, got 1"},
        {"synth " + dir.resolve("s") + " --image-size 10000", "--image-size must be >= 32 and <= 1024, got 10000"},
        {"bench --steps 0", "--steps must be >= 1, got 0"},
        {"graph --width 0 --out " + dir.resolve("g.txt"), "--width must be > 0 and <= 16, got 0.0"},
        {"graph --keep-probability 1.5 --out " + dir.resolve("g.txt"), "--keep-probability must be > 0 and <= 1, got 1.5"}};
    for (String[] c : cases) {
      CommandsTest.Run r = CommandsTest.run(c[0].split(" "));
      assertEquals(2, r.exit(), c[0] + ": " + r.err());
      assertTrue(r.err().contains(c[1]), c[0] + ": " + r.err());
    }
    try (var s = Files.list(dir)) {
      assertEquals(0, s.count(), "nothing created");
    }
  }
}
