package org.facenet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.facenet.cli.ClusterCommand;
import org.facenet.embed.EmbeddingRow;
import org.facenet.embed.EmbeddingsCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line layer: options, outputs and error messages. */
class ClusterCommandTest {

  @TempDir
  Path dir;

  private Exception failure;
  private String stdout;

  private int run(String... args) {
    failure = null;
    PrintStream old = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      return new CommandLine(new ClusterCommand()).setExecutionExceptionHandler((ex, cmd, parsed) -> {
        failure = ex;
        return 2;
      }).execute(args);
    } finally {
      System.setOut(old);
      stdout = bytes.toString(StandardCharsets.UTF_8);
    }
  }

  private Path blobsCsv() throws Exception {
    Embeddings e = TestData.blobs(3, 5, 8, 21);
    List<EmbeddingRow> rows = new ArrayList<>();
    for (int i = 0; i < e.size(); i++) rows.add(new EmbeddingRow("img/" + e.label(i) + "/" + i + ".png", e.label(i), e.vector(i)));
    Path csv = dir.resolve("embeddings.csv");
    EmbeddingsCsv.write(csv, rows);
    return csv;
  }

  @Test
  void clustersAndScoresAgainstTheLabels() throws Exception {
    Path csv = blobsCsv();
    Path out = dir.resolve("clusters.csv");
    for (String algo : new String[] {"dbscan", "chinese-whispers", "agglomerative"}) {
      assertEquals(0, run(csv.toString(), "--out", out.toString(), "--algorithm", algo, "--eps", "0.5",
          "--min-samples", "2", "--distance-threshold", "0.5"), String.valueOf(failure));
      List<String> lines = Files.readAllLines(out);
      assertEquals("path,cluster", lines.get(0));
      assertEquals(16, lines.size());
      assertTrue(stdout.contains("15 embeddings -> 3 cluster(s)"), stdout);
      assertTrue(stdout.contains("pairwise  precision 1.0000  recall 1.0000  F1 1.0000"), stdout);
      assertTrue(stdout.contains("NMI 1.0000"), stdout);
    }
  }

  @Test
  void suggestReportsTheBestThresholdWithoutWriting() throws Exception {
    Path csv = blobsCsv();
    Path out = dir.resolve("clusters.csv");
    assertEquals(0, run(csv.toString(), "--out", out.toString(), "--suggest", "--suggest-range", "0.05:1.55:0.5",
        "--min-samples", "2"), String.valueOf(failure));
    assertTrue(stdout.contains("suggested eps 0.5500 (best BCubed F 1.0000)"), stdout);
    assertTrue(!Files.exists(out));
  }

  @Test
  void badRowsNameTheLineAndEmptyFilesAreClearErrors() throws Exception {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "path,label,e0,e1\na,x,1,2\nb,y,1,oops\n");
    assertEquals(2, run(bad.toString()));
    assertEquals(bad + ":3: column e1 is not a number: 'oops'", failure.getMessage());
    Files.writeString(bad, "path,label,e0,e1\na,x,1,2\nb,y,1\n");
    assertEquals(2, run(bad.toString()));
    assertTrue(failure.getMessage().startsWith(bad + ":3: expected 4 columns"), failure.getMessage());
    Files.writeString(bad, "");
    assertEquals(2, run(bad.toString()));
    assertTrue(failure.getMessage().startsWith(bad + ": empty file"), failure.getMessage());
    Files.writeString(bad, "path,label,e0,e1\n");
    assertEquals(2, run(bad.toString()));
    assertTrue(failure.getMessage().contains("has a header but no rows"), failure.getMessage());
    assertEquals(2, run(dir.resolve("nope.csv").toString()));
    assertTrue(failure.getMessage().contains("not found"), failure.getMessage());
  }

  @Test
  void badOptionsAreClearErrors() throws Exception {
    Path csv = blobsCsv();
    assertEquals(2, run(csv.toString(), "--algorithm", "kmeans"));
    assertTrue(failure.getMessage().contains("--algorithm must be dbscan, chinese-whispers or agglomerative"));
    assertEquals(2, run(csv.toString(), "--suggest", "--suggest-range", "0.5-1"));
    assertTrue(failure.getMessage().contains("FROM:TO:STEP"));
  }

  @Test
  void helpShowsEveryDefault() {
    CommandLine cl = new CommandLine(new ClusterCommand());
    String usage = cl.getUsageMessage();
    for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
      if (o.usageHelp() || o.versionHelp() || o.hidden()) continue;
      String name = o.longestName();
      assertNotNull(name);
      assertTrue(String.join(" ", o.description()).contains("default"), name + " lacks its default in: " + usage);
    }
  }
}
