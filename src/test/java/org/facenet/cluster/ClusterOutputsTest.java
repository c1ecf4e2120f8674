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
  void copyToMakesAFolderPerClusterAndNoise() throws Exception {
    Embeddings e = setUp();
    // ann/1.png, bob/1.png and cy/9.png together: the largest cluster, 0, where the two 1.png need distinct names
    Clustering c = Clustering.of(new int[] {0, 1, 0, -1, 0});
    Path out = dir.resolve("clusters");
    ClusterOutputs.writeFolders(out, e, c, dir, false);
    assertEquals(List.of(".facenet-cluster", "0", "0/1-2.png", "0/1.png", "0/9.png", "1", "1/2.png", "noise", "noise/3.png"),
        tree(out));
    assertEquals("image 0", Files.readString(out.resolve("0/1.png")));
    assertEquals("image 2", Files.readString(out.resolve("0/1-2.png")));
    // a second run replaces the tree it wrote
    ClusterOutputs.writeFolders(out, e, Clustering.of(new int[] {0, 0, 0, 0, 0}), dir, false);
    assertEquals(List.of(".facenet-cluster", "0", "0/1-2.png", "0/1.png", "0/2.png", "0/3.png", "0/9.png"), tree(out));
  }

  @Test
  void linkToMakesSymbolicLinks() throws Exception {
    Embeddings e = setUp();
    Path out = dir.resolve("links");
    ClusterOutputs.writeFolders(out, e, Clustering.of(new int[] {0, 0, 1, 1, 1}), dir, true);
    Path l = out.resolve("0/9.png"); // {bob/1, bob/3, cy/9} is the larger cluster, 0
    assertTrue(Files.isSymbolicLink(l));
    assertEquals(dir.resolve("faces/cy/9.png").toAbsolutePath().normalize(), Files.readSymbolicLink(l));
    assertEquals("image 4", Files.readString(l));
  }

  @Test
  void missingImageFailsBeforeAnythingIsWritten() throws Exception {
    Embeddings e = setUp();
    Files.delete(dir.resolve("faces/bob/3.png"));
    Path out = dir.resolve("clusters");
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> ClusterOutputs.writeFolders(out, e, Clustering.of(new int[] {0, 0, 1, 1, 1}), dir, false));
    assertTrue(ex.getMessage().contains("bob/3.png: image not found (row 5 of the CSV"), ex.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void refusesToReplaceAFolderItDidNotWrite() throws Exception {
    Embeddings e = setUp();
    Path out = dir.resolve("photos");
    Files.createDirectories(out);
    Files.writeString(out.resolve("precious.jpg"), "x");
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> ClusterOutputs.writeFolders(out, e, Clustering.of(new int[] {0, 0, 0, 0, 0}), dir, false));
    assertTrue(ex.getMessage().contains("was not written by facenet-cluster"), ex.getMessage());
    assertEquals(List.of("precious.jpg"), tree(out));
  }
}
