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

  /** Runs {@code facenet cluster ARGS} as the launcher does (range checks, error handler); returns exit and stderr. */
  private static String[] runFacenet(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      String[] all = new String[args.length + 1];
      all[0] = "cluster";
      System.arraycopy(args, 0, all, 1, args.length);
      int code = org.facenet.cli.FacenetCommand.execute(all);
      return new String[] {Integer.toString(code), err.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void everyOptionAndOutputIsCheckedBeforeAnyWork() throws Exception {
    Path csv = blobsCsv();
    Path out = dir.resolve("clusters.csv");
    // ranges: a usage error naming the option, nothing written
    for (String[] bad : new String[][] {{"--report-thumbnail", "0"}, {"--eps", "0"}, {"--min-samples", "0"},
        {"--similarity", "1.5"}, {"--threads", "-1"}, {"--probes", "0"}, {"--report-per-cluster", "0"}}) {
      String[] r = runFacenet(csv.toString(), "--out", out.toString(), "--report", dir.resolve("r.html").toString(),
          bad[0], bad[1]);
      assertEquals("2", r[0], r[1]);
      assertTrue(r[1].contains(bad[0] + " must be "), r[1]);
      assertTrue(!Files.exists(out), bad[0] + " wrote " + out);
    }
    // the same check in the command itself, for a caller that does not go through the facenet command
    assertEquals(2, run(csv.toString(), "--out", out.toString(), "--report", dir.resolve("r.html").toString(),
        "--report-thumbnail", "0"));
    assertTrue(!Files.exists(out));
    // a foreign, non-empty --copy-to folder: refused before clustering, naming what is there
    Path photos = dir.resolve("photos");
    Files.createDirectories(photos);
    Files.writeString(photos.resolve("holiday.jpg"), "x");
    assertEquals(2, run(csv.toString(), "--out", out.toString(), "--copy-to", photos.toString()));
    assertTrue(failure.getMessage().contains("photos: folder is not empty, it holds holiday.jpg"), failure.getMessage());
    assertTrue(!stdout.contains("cluster(s)"), "clustered before refusing: " + stdout);
    assertTrue(!Files.exists(out));
    // missing images: refused after reading the CSV, before clustering
    assertEquals(2, run(csv.toString(), "--out", out.toString(), "--copy-to", dir.resolve("new").toString()));
    assertTrue(failure.getMessage().contains("image not found"), failure.getMessage());
    assertTrue(!Files.exists(out) && !Files.exists(dir.resolve("new")));
    // --out naming a folder, or the input itself
    assertEquals(2, run(csv.toString(), "--out", dir.toString()));
    assertTrue(failure.getMessage().contains("is a folder"), failure.getMessage());
    assertEquals(2, run(csv.toString(), "--out", csv.toString()));
    assertTrue(failure.getMessage().contains("is the input CSV"), failure.getMessage());
    assertEquals(2, run(csv.toString(), "--overwrite"));
    assertTrue(failure.getMessage().contains("--overwrite goes with --copy-to or --link-to"), failure.getMessage());
  }

  @Test
  void copyToTwiceKeepsWhatTheUserDidBetweenRuns() throws Exception {
    Path csv = blobsCsv();
    Embeddings e = Embeddings.read(csv);
    for (int i = 0; i < e.size(); i++) {
      Files.createDirectories(dir.resolve(e.path(i)).getParent());
      Files.writeString(dir.resolve(e.path(i)), "pixels " + i);
    }
    Path tree = dir.resolve("sorted");
    String[] args = {csv.toString(), "--out", dir.resolve("c.csv").toString(), "--eps", "0.5", "--min-samples", "2",
        "--images-root", dir.toString(), "--link-to", tree.toString()};
    assertEquals(0, run(args), String.valueOf(failure));
    assertTrue(stdout.contains("linked 15 image(s)"), stdout);
    Path first = tree.resolve("cluster-0000");
    String someone;
    try (var s = Files.list(first)) {
      someone = s.findFirst().orElseThrow().getFileName().toString();
    }
    assertTrue(someone.matches("person\\d+_\\d+\\.png"), "identity folder and file name kept: " + someone);
    Files.move(first, tree.resolve("Maria"));
    Files.writeString(tree.resolve("notes.txt"), "Maria is cluster 0");
    // a plain second run refuses and changes nothing
    assertEquals(2, run(args));
    assertTrue(failure.getMessage().contains("it holds Maria, cluster-0001, cluster-0002, notes.txt"), failure.getMessage());
    // with --overwrite it only adds
    String[] again = java.util.Arrays.copyOf(args, args.length + 1);
    again[args.length] = "--overwrite";
    assertEquals(0, run(again), String.valueOf(failure));
    assertTrue(stdout.contains("linked 5 image(s)") && stdout.contains("10 identical one(s) were already there"), stdout);
    assertEquals("Maria is cluster 0", Files.readString(tree.resolve("notes.txt")));
    assertTrue(Files.isSymbolicLink(tree.resolve("Maria").resolve(someone)));
    assertTrue(Files.isSymbolicLink(tree.resolve("cluster-0000").resolve(someone)));
  }

  @Test
  void aFlatScanSaysSoAndProposesARange() throws Exception {
    Path csv = blobsCsv(); // three identities ~1.4 apart, faces of one identity within ~0.1
    // every eps from 2 to 3 puts all 15 faces in one cluster
    assertEquals(0, run(csv.toString(), "--suggest", "--suggest-range", "2:3:0.25", "--min-samples", "2"),
        String.valueOf(failure));
    assertTrue(!stdout.contains("<- best") && !stdout.contains("rerun with --eps"), stdout);
    assertTrue(stdout.contains("the scan is flat: every value puts all 15 faces in one cluster"), stdout);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("--suggest-range ([0-9.]+):([0-9.]+):([0-9.]+)")
        .matcher(stdout);
    assertTrue(m.find(), stdout);
    double from = Double.parseDouble(m.group(1));
    double to = Double.parseDouble(m.group(2));
    assertTrue(from < 0.5 && to > 0.5 && to < 2, "the proposal must cover the gap between identities: " + stdout);
    // the proposal, scanned, is not flat and finds the identities
    assertEquals(0, run(csv.toString(), "--suggest", "--suggest-range", m.group(1) + ":" + m.group(2) + ":" + m.group(3),
        "--min-samples", "2"), String.valueOf(failure));
    assertTrue(stdout.contains("<- best") && stdout.contains("(best BCubed F 1.0000)"), stdout);
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
