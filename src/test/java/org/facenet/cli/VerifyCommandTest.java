package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.facenet.data.ImageDataset;
import org.facenet.data.Pair;
import org.facenet.data.PairsFile;
import org.facenet.embed.EmbeddingRow;
import org.facenet.embed.EmbeddingsCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** facenet-verify's files: the ROC only where --roc says; --make-pairs on any file names; ambiguous rows refused. */
class VerifyCommandTest {

  @TempDir
  Path dir;

  /** Identity k's images at unit vector e_k: a separable set, rows under {@code root}. */
  private static List<EmbeddingRow> rows(String root, String[] files) {
    List<EmbeddingRow> rows = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      for (int i = 0; i < files.length; i++) {
        float[] v = new float[6];
        v[k] = 1f;
        v[5] = 0.01f * i;
        rows.add(new EmbeddingRow(root + "/p" + k + "/" + files[i], "p" + k, v));
      }
    }
    return rows;
  }

  private static List<String> listing(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(Path::toString).sorted().toList();
    }
  }

  @Test
  void theRocIsWrittenOnlyWhereRocSays() throws Exception {
    Path csv = dir.resolve("e.csv");
    EmbeddingsCsv.write(csv, rows("imgs", new String[] {"0001.png", "0002.png", "0003.png"}));
    Path pairs = Files.writeString(dir.resolve("pairs.txt"),
        "2 2\np0 1 2\np0 2 3\np0 1 p1 1\np0 3 p1 2\np2 1 2\np3 2 3\np2 1 p3 1\np2 3 p3 2\n", StandardCharsets.UTF_8);
    Path cwd = Path.of("").toAbsolutePath();
    List<String> before = listing(cwd);
    CommandsTest.Run r = CommandsTest.run("verify", "--pairs", pairs.toString(), "--embeddings", csv.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("Accuracy: 1.00000"), r.out());
    assertFalse(r.out().contains("ROC curve"), r.out());
    assertEquals(before, listing(cwd), "nothing written in the working directory");
    assertEquals(List.of(csv.toString(), pairs.toString()), listing(dir));

    Path roc = dir.resolve("plots/lfw");
    r = CommandsTest.run("verify", "--pairs", pairs.toString(), "--embeddings", csv.toString(), "--roc", roc.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of(roc + ".csv", roc + ".png"), listing(roc.getParent()));
    List<String> points = Files.readAllLines(Path.of(roc + ".csv"), StandardCharsets.UTF_8);
    assertEquals("threshold,tpr,fpr", points.get(0));
    assertEquals(401, points.size(), "one point per threshold 0, 0.01, ..., 3.99");
    assertEquals(before, listing(cwd));
  }

  @Test
  void makePairsOnArbitraryFileNamesWritesAFileThatReadsBackAndEvaluates() throws Exception {
    String[] names = {"IMG_2041.JPG", "holiday 2.png", "z.jpeg"};
    for (int k = 0; k < 4; k++) {
      for (String n : names) {
        Path f = dir.resolve("data/p" + k + "/" + n.replace(' ', '_'));
        Files.createDirectories(f.getParent());
        Files.write(f, new byte[] {1});
      }
    }
    Path made = dir.resolve("made.txt");
    CommandsTest.Run m = CommandsTest.run("verify", "--make-pairs", "--data", dir.resolve("data").toString(), "--pairs",
        made.toString(), "--folds", "2", "--pairs-per-fold", "1");
    assertEquals(0, m.exit(), m.err());
    PairsFile.Parsed back = PairsFile.read(made);
    assertEquals(PairsFile.make(ImageDataset.scan(dir.resolve("data"), 1), 2, 1, 666), back.pairs());
    for (Pair p : back.pairs()) assertTrue(p.firstFile() != null && p.secondFile() != null, p.toString());
    assertTrue(PairsFile.resolve(dir.resolve("data"), back.pairs()).missing().isEmpty());
    // ... and its pairs find their rows in facenet-embed's CSV of that folder.
    Path csv = dir.resolve("e.csv");
    EmbeddingsCsv.write(csv, rows(dir.resolve("data").toString(), new String[] {"IMG_2041.JPG", "holiday_2.png", "z.jpeg"}));
    CommandsTest.Run v = CommandsTest.run("verify", "--pairs", made.toString(), "--embeddings", csv.toString());
    assertEquals(0, v.exit(), v.err());
    assertTrue(v.out().contains("Pairs: 4") && v.out().contains("Pairs skipped: 0"), v.out());

    // A folder name with a space cannot be written: refused, nothing written.
    Files.move(dir.resolve("data/p0"), dir.resolve("data/p 0"));
    Path refused = dir.resolve("refused.txt");
    CommandsTest.Run bad = CommandsTest.run("verify", "--make-pairs", "--data", dir.resolve("data").toString(), "--pairs",
        refused.toString(), "--folds", "2", "--pairs-per-fold", "1", "--seed", "1");
    assertEquals(2, bad.exit(), bad.out());
    assertTrue(bad.err().contains("'p 0'") && bad.err().contains("white space"), bad.err());
    assertFalse(Files.exists(refused));
  }

  @Test
  void theSameSetEmbeddedUnderTwoRootsIsAnErrorNamingTheRows() throws Exception {
    List<EmbeddingRow> all = new ArrayList<>(rows("/data/lfw", new String[] {"0001.png", "0002.png", "0003.png"}));
    all.addAll(rows("/backup/lfw", new String[] {"0001.png", "0002.png", "0003.png"}));
    Path csv = dir.resolve("e.csv");
    EmbeddingsCsv.write(csv, all);
    Path pairs = Files.writeString(dir.resolve("pairs.txt"),
        "2 2\np0 1 2\np0 2 3\np0 1 p1 1\np0 3 p1 2\np2 1 2\np3 2 3\np2 1 p3 1\np2 3 p3 2\n", StandardCharsets.UTF_8);
    CommandsTest.Run r = CommandsTest.run("verify", "--pairs", pairs.toString(), "--embeddings", csv.toString());
    assertEquals(2, r.exit(), r.out());
    assertTrue(r.err().contains("/data/lfw/p0/0001.png") && r.err().contains("/backup/lfw/p0/0001.png"), r.err());
  }
}
