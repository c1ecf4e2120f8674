package org.facenet.cluster;

import static org.facenet.cluster.TestData.assertSamePartition;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ChineseWhispersTest {

  @Test
  void wellSeparatedBlobsAreFoundExactly() {
    Embeddings e = TestData.blobs(5, 8, 16, 3);
    Clustering c = new ChineseWhispers(0.55, 20, 0).cluster(e, new BlockedNeighbourSearch(2));
    assertSamePartition(TestData.blobLabels(5, 8), c.labels());
    assertEquals(0, c.noiseCount());
  }

  @Test
  void usesCosineSimilaritySoScaleDoesNotMatter() {
    // two directions; lengths vary wildly but cosine similarity within a direction is ~1
    double[][] xs = {{1, 0.01, 0}, {100, 2, 0}, {0.001, 0, 0}, {0, 1, 0.02}, {0, 50, 1}, {0, 0.003, 0}};
    int[] labels = new ChineseWhispers(0.9).cluster(TestData.points(xs), new BlockedNeighbourSearch(1)).labels();
    assertSamePartition(new int[] {0, 0, 0, 1, 1, 1}, labels);
  }

  @Test
  void faceWithNoNeighbourAboveTheThresholdIsNoise() {
    // as facenet's clustering.py, which leaves such faces out of every cluster
    double[][] xs = {{1, 0, 0}, {0.99, 0.1, 0}, {0, 0, 1}, {0.98, 0.05, 0.01}};
    assertArrayEquals(new int[] {0, 0, -1, 0},
        new ChineseWhispers(0.55).cluster(TestData.points(xs), new BlockedNeighbourSearch(1)).labels());
  }

  @Test
  void thresholdIsStrictAsFacenet() {
    // cos = 0.6 exactly for these unit vectors (0.6, 0.8) . (1, 0)
    double[][] xs = {{1, 0}, {0.6, 0.8}};
    assertArrayEquals(new int[] {0, 0}, new ChineseWhispers(0.5999).cluster(TestData.points(xs)).labels());
    assertArrayEquals(new int[] {-1, -1}, new ChineseWhispers(0.6001).cluster(TestData.points(xs)).labels());
  }

  @Test
  void sameSeedSameResult() {
    Embeddings e = TestData.blobs(6, 5, 12, 9);
    int[] a = new ChineseWhispers(0.3, 20, 42).cluster(e).labels();
    int[] b = new ChineseWhispers(0.3, 20, 42).cluster(e).labels();
    assertArrayEquals(a, b);
  }

  @Test
  void defaultsAreFacenets() {
    assertEquals(0.55, ChineseWhispers.DEFAULT_THRESHOLD);
    assertEquals(20, ChineseWhispers.DEFAULT_ITERATIONS);
    assertThrows(IllegalArgumentException.class, () -> new ChineseWhispers(1.0));
    assertThrows(IllegalArgumentException.class, () -> new ChineseWhispers(0.5, 0, 0));
  }
}
