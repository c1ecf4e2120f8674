package org.facenet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.facenet.embed.EmbeddingRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterOutputsTest {

  @TempDir
  Path dir;

  /** Five images in two identity folders (two share a file name) and their embeddings. */
  private Embeddings setUp() throws Exception {
    String[] files = {"ann/1.png", "ann/2.png", "bob/1.png", "bob/3.png", "cy/9.png"};
    List<EmbeddingRow> rows = new java.util.ArrayList<>();
    for (int i = 0; i < files.length; i++) {
      Path f = dir.resolve("faces").resolve(files[i]);
      Files.createDirectories(f.getParent());
      Files.writeString(f, "image " + i);
      rows.add(new EmbeddingRow("faces/" + files[i], files[i].substring(0, files[i].indexOf('/')), new float[] {i, 0}));
    }
    return Embeddings.of(rows);
  }

  private static List<String> tree(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted()
          .collect(Collectors.toList());
    }
  }

  @Test
  void csvIsPathAndClusterWithNoiseAsMinusOneWrittenWhole() throws Exception {
    Embeddings e = setUp();
    Clustering c = Clustering.of(new int[] {7, 7, 3, -1, 3});
    Path out = dir.resolve("out").resolve("clusters.csv");
    Files.createDirectories(out.getParent());
    Files.writeString(out, "old content that must be replaced whole\n");
    ClusterOutputs.writeCsv(out, e, c);
    // clusters numbered by size; tie 2-2: the cluster whose first member comes first is 0
    assertEquals(List.of("path,cluster", "faces/ann/1.png,0", "faces/ann/2.png,0", "faces/bob/1.png,1",
        "faces/bob/3.png,-1", "faces/cy/9.png,1"), Files.readAllLines(out));
    assertEquals(List.of("clusters.csv"), tree(out.getParent()), "no temporary files left behind");
  }

  @Test
  void copyToMakesAFolderPerClusterAndNoiseNamedByIdentityAndFile() throws Exception {
    Embeddings e = setUp();
    // ann/1.png, bob/1.png and cy/9.png together: the largest cluster, 0
    Clustering c = Clustering.of(new int[] {0, 1, 0, -1, 0});
    Path out = dir.resolve("clusters");
    ClusterOutputs.FolderReport r = ClusterOutputs.writeFolders(out, e, c, dir, false, false);
    assertEquals(List.of("cluster-0000", "cluster-0000/ann_1.png", "cluster-0000/bob_1.png", "cluster-0000/cy_9.png",
        "cluster-0001", "cluster-0001/ann_2.png", "noise", "noise/bob_3.png"), tree(out));
    assertEquals(new ClusterOutputs.FolderReport(5, 0), r);
    assertEquals("image 0", Files.readString(out.resolve("cluster-0000/ann_1.png")));
    assertEquals("image 2", Files.readString(out.resolve("cluster-0000/bob_1.png")));
  }

  @Test
  void sameIdentityAndNameFromTwoRootsGetDistinctNames() throws Exception {
    List<EmbeddingRow> rows = new java.util.ArrayList<>();
    for (String f : new String[] {"a/ann/1.png", "b/ann/1.png", "top.png"}) {
      Files.createDirectories(dir.resolve(f).getParent());
      Files.writeString(dir.resolve(f), f);
      rows.add(new EmbeddingRow(f, "", new float[] {0, 0}));
    }
    Path out = dir.resolve("clusters");
    ClusterOutputs.writeFolders(out, Embeddings.of(rows), Clustering.of(new int[] {0, 0, 0}), dir, false, false);
    assertEquals(List.of("cluster-0000", "cluster-0000/ann_1-2.png", "cluster-0000/ann_1.png", "cluster-0000/top.png"),
        tree(out));
    assertEquals("b/ann/1.png", Files.readString(out.resolve("cluster-0000/ann_1-2.png")));
  }

  @Test
  void aSecondRunLosesNothingOfTheUsers() throws Exception {
    Embeddings e = setUp();
    Path out = dir.resolve("clusters");
    ClusterOutputs.writeFolders(out, e, Clustering.of(new int[] {0, 1, 0, -1, 0}), dir, false, false);
    // the user names a person and takes notes
    Files.move(out.resolve("cluster-0001"), out.resolve("Ann"));
    Files.writeString(out.resolve("notes.txt"), "cluster 0 mixes two people");
    Files.writeString(out.resolve("Ann/ann_2.png"), "retouched");
    List<String> before = tree(out);
    // without --overwrite: refused, naming what is there
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> ClusterOutputs.writeFolders(out, e, Clustering.of(new int[] {0, 0, 0, 0, 0}), dir, false, false));
    assertTrue(ex.getMessage().contains("not empty, it holds Ann, cluster-0000, noise, notes.txt"), ex.getMessage());
    assertEquals(before, tree(out));
    // with --overwrite: this run's files are added, everything of the user's stays
    ClusterOutputs.FolderReport r =
        ClusterOutputs.writeFolders(out, e, Clustering.of(new int[] {0, 1, 0, -1, 0}), dir, false, true);
    assertEquals(new ClusterOutputs.FolderReport(1, 4), r, "cluster-0001/ann_2.png is new, the rest identical");
    assertEquals("cluster 0 mixes two people", Files.readString(out.resolve("notes.txt")));
    assertEquals("retouched", Files.readString(out.resolve("Ann/ann_2.png")));
    assertEquals("image 1", Files.readString(out.resolve("cluster-0001/ann_2.png")));
    List<String> after = tree(out);
    assertTrue(after.containsAll(before), after.toString());
  }

  @Test
  void aFileOfThisRunThatExistsWithOtherContentStopsTheRunBeforeAnyWrite() throws Exception {
    Embeddings e = setUp();
    Path out = dir.resolve("clusters");
    ClusterOutputs.writeFolders(out, e, Clustering.of(new int[] {0, 1, 0, -1, 0}), dir, false, false);
    Files.writeString(out.resolve("cluster-0000/cy_9.png"), "the user's own file");
    List<String> before = tree(out);
    // now everything is one cluster: cluster-0000/ann_2.png would be new, but cy_9.png differs
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> ClusterOutputs.writeFolders(out, e, Clustering.of(new int[] {0, 0, 0, 0, 0}), dir, false, true));
    assertTrue(ex.getMessage().contains("cluster-0000/cy_9.png"), ex.getMessage());
    assertEquals(before, tree(out), "nothing written");
    assertEquals("the user's own file", Files.readString(out.resolve("cluster-0000/cy_9.png")));
  }

  @Test
  void linkToMakesSymbolicLinksNamedByIdentityAndFile() throws Exception {
    Embeddings e = setUp();
    Path out = dir.resolve("links");
    ClusterOutputs.writeFolders(out, e, Clustering.of(new int[] {0, 0, 1, 1, 1}), dir, true, false);
    Path l = out.resolve("cluster-0000/cy_9.png"); // {bob/1, bob/3, cy/9} is the larger cluster, 0
    assertTrue(Files.isSymbolicLink(l));
    assertEquals(dir.resolve("faces/cy/9.png").toAbsolutePath().normalize(), Files.readSymbolicLink(l));
    assertEquals("image 4", Files.readString(l));
    assertEquals(List.of("cluster-0000", "cluster-0000/bob_1.png", "cluster-0000/bob_3.png", "cluster-0000/cy_9.png",
        "cluster-0001", "cluster-0001/ann_1.png", "cluster-0001/ann_2.png"), tree(out));
    // the same run again with --overwrite: every link is already there
    assertEquals(new ClusterOutputs.FolderReport(0, 5),
        ClusterOutputs.writeFolders(out, e, Clustering.of(new int[] {0, 0, 1, 1, 1}), dir, true, true));
  }

  @Test
  void missingImageFailsBeforeAnythingIsWritten() throws Exception {
    Embeddings e = setUp();
    Files.delete(dir.resolve("faces/bob/3.png"));
    Path out = dir.resolve("clusters");
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> ClusterOutputs.writeFolders(out, e, Clustering.of(new int[] {0, 0, 1, 1, 1}), dir, false, false));
    assertTrue(ex.getMessage().contains("bob/3.png: image not found (row 5 of the CSV"), ex.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void refusesAFolderThatIsNotEmpty() throws Exception {
    Embeddings e = setUp();
    Path out = dir.resolve("photos");
    Files.createDirectories(out);
    Files.writeString(out.resolve("precious.jpg"), "x");
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> ClusterOutputs.writeFolders(out, e, Clustering.of(new int[] {0, 0, 0, 0, 0}), dir, false, false));
    assertTrue(ex.getMessage().contains("photos: folder is not empty, it holds precious.jpg."), ex.getMessage());
    assertEquals(List.of("precious.jpg"), tree(out));
  }
}
