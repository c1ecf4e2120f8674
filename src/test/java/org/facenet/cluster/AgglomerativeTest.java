package org.facenet.cluster;

import static org.facenet.cluster.TestData.assertSamePartition;
import static org.facenet.cluster.TestData.points;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.facenet.cluster.Agglomerative.Linkage;
import org.junit.jupiter.api.Test;

class AgglomerativeTest {

  // sklearn_reference.py: 24 points uniform in [0, 4)^2 (numpy default_rng(7), after the DBSCAN data)
  static final double[][] A = {{2.191, 1.289}, {3.005, 0.101}, {1.489, 0.121}, {0.492, 3.869}, {2.631, 1.713},
      {2.095, 3.491}, {1.377, 2.361}, {2.735, 1.422}, {2.076, 3.061}, {3.637, 0.604}, {3.734, 0.021},
      {3.012, 3.242}, {0.547, 1.676}, {3.261, 0.057}, {2.514, 3.172}, {2.052, 2.903}, {0.906, 0.794},
      {1.453, 0.718}, {1.384, 3.792}, {2.293, 1.360}, {1.086, 3.808}, {1.778, 3.922}, {2.062, 2.085},
      {3.586, 2.971}};

  private static int[] run(double[][] xs, double t, Linkage l) {
    return new Agglomerative(t, l).cluster(points(xs), new BlockedNeighbourSearch(2)).labels();
  }

  @Test
  void matchesScikitLearn() {
    // AgglomerativeClustering(n_clusters=None, distance_threshold=t, linkage=...).fit(A).labels_ (scikit-learn 1.9.1)
    assertSamePartition(new int[] {7, 2, 0, 8, 7, 6, 1, 7, 6, 2, 2, 4, 5, 2, 6, 6, 0, 0, 3, 7, 3, 3, 1, 4},
        run(A, 0.8, Linkage.AVERAGE));
    assertSamePartition(new int[] {2, 5, 11, 10, 2, 3, 0, 2, 9, 1, 1, 4, 12, 5, 4, 9, 6, 6, 7, 2, 7, 3, 0, 8},
        run(A, 0.8, Linkage.COMPLETE));
    // at 1.5 average linkage merges clusters some of whose member pairs are farther apart than 1.5: the exact
    // mean is computed from the vectors (the lower-bound path)
    assertSamePartition(new int[] {3, 2, 0, 4, 3, 1, 3, 3, 1, 2, 2, 1, 0, 2, 1, 1, 0, 0, 4, 3, 4, 4, 3, 1},
        run(A, 1.5, Linkage.AVERAGE));
    assertSamePartition(new int[] {6, 2, 3, 4, 6, 7, 1, 6, 1, 2, 2, 0, 5, 2, 0, 1, 3, 3, 4, 6, 4, 7, 1, 0},
        run(A, 1.5, Linkage.COMPLETE));
  }

  @Test
  void averageAndCompleteLinkageDifferOnAHandExample() {
    // points on a line: 0, 1, 2.2. Threshold 1.7.
    // First merge {0,1} (distance 1). Then {0,1} vs {2.2}: average (2.2 + 1.2) / 2 = 1.7, complete 2.2.
    // So with threshold 1.75 average merges all three, complete keeps {2.2} apart.
    double[][] xs = {{0}, {1}, {2.2}};
    assertArrayEquals(new int[] {0, 0, 0}, run(xs, 1.75, Linkage.AVERAGE));
    assertArrayEquals(new int[] {0, 0, 1}, run(xs, 1.75, Linkage.COMPLETE));
    // merging needs the distance strictly below the threshold (scikit-learn's distance_threshold)
    assertArrayEquals(new int[] {0, 0, 1}, run(xs, 1.7, Linkage.AVERAGE));
    assertArrayEquals(new int[] {0, 1, 2}, run(xs, 1.0, Linkage.AVERAGE));
  }

  @Test
  void averageLinkageSeesPairsBeyondTheThreshold() {
    // {0, 0.2} and {1.3}: pairs 1.3 and 1.1, mean 1.2 < 1.25 although 1.3 is beyond the threshold
    double[][] xs = {{0}, {0.2}, {1.3}};
    assertArrayEquals(new int[] {0, 0, 0}, run(xs, 1.25, Linkage.AVERAGE));
    assertArrayEquals(new int[] {0, 0, 1}, run(xs, 1.25, Linkage.COMPLETE));
  }

  @Test
  void wellSeparatedBlobsAreFoundExactly() {
    Embeddings e = TestData.blobs(4, 6, 10, 5);
    for (Linkage l : Linkage.values()) {
      Clustering c = new Agglomerative(0.5, l).cluster(e, new BlockedNeighbourSearch(2));
      assertSamePartition(TestData.blobLabels(4, 6), c.labels());
      assertEquals(0, c.noiseCount());
    }
  }

  @Test
  void parsesLinkage() {
    assertEquals(Linkage.COMPLETE, Linkage.parse("Complete"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Linkage.parse("single"));
    assertEquals("linkage must be 'average' or 'complete', got 'single'", e.getMessage());
  }
}
