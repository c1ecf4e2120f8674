package org.facenet.cluster;

import static org.facenet.cluster.TestData.assertSamePartition;
import static org.facenet.cluster.TestData.points;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DbscanTest {

  // sklearn_reference.py: three 2-D blobs of 12 and 10 scattered points (numpy default_rng(7))
  static final double[][] X = {{0.000, 0.075}, {-0.069, -0.223}, {-0.114, -0.248}, {0.015, 0.335}, {-0.123, -0.155},
      {0.122, 0.089}, {0.026, -0.233}, {-0.007, 0.174}, {-0.336, -0.114}, {-0.475, -0.322}, {-0.460, -0.059},
      {-0.317, 0.068}, {3.039, -0.047}, {2.371, -0.135}, {2.988, 0.028}, {2.617, -0.119}, {2.755, -0.202},
      {3.265, -0.202}, {2.992, 0.221}, {2.854, -0.028}, {3.028, 0.016}, {2.694, 0.019}, {3.340, -0.387},
      {3.215, 0.030}, {-0.160, 3.500}, {0.191, 2.700}, {0.019, 3.144}, {-0.047, 3.171}, {-0.017, 3.167},
      {0.360, 2.831}, {0.051, 2.884}, {0.032, 2.703}, {-0.145, 2.951}, {0.225, 3.286}, {-0.331, 2.801},
      {0.162, 2.502}, {2.473, -0.710}, {3.570, 4.170}, {3.924, 1.918}, {-0.627, -0.345}, {4.067, 1.814},
      {-0.417, 3.804}, {2.349, 1.918}, {0.758, 0.966}, {-0.063, -1.272}, {3.757, 1.306}};

  private static int[] run(double[][] xs, double eps, int minSamples) {
    return new Dbscan(eps, minSamples).cluster(points(xs), new BlockedNeighbourSearch(2)).labels();
  }

  @Test
  void matchesScikitLearn() {
    // sklearn.cluster.DBSCAN(eps, min_samples).fit(X).labels_ (scikit-learn 1.9.1), see sklearn_reference.py
    assertSamePartition(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2,
        2, 2, 2, 2, 2, 2, 2, -1, -1, -1, 0, -1, 2, -1, -1, -1, -1}, run(X, 0.5, 4));
    assertSamePartition(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2,
        2, 2, 2, 2, 2, 2, 2, 3, 4, 5, 0, 5, 2, 6, 7, 8, 9}, run(X, 0.5, 1));
    assertSamePartition(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2,
        2, 2, 2, 2, 2, 2, 2, 1, -1, -1, 0, -1, 2, -1, -1, -1, -1}, run(X, 0.8, 5));
  }

  @Test
  void wellSeparatedBlobsAreFoundExactlyAndNumberedBySize() {
    Embeddings e = TestData.blobs(4, 10, 16, 1);
    Clustering c = new Dbscan(0.3, 3).cluster(e, new BlockedNeighbourSearch(2));
    assertSamePartition(TestData.blobLabels(4, 10), c.labels());
    assertEquals(4, c.clusterCount());
    assertEquals(0, c.noiseCount());
  }

  @Test
  void isolatedPointsAreNoise() {
    double[][] xs = {{0, 0}, {0.1, 0}, {0, 0.1}, {5, 5}, {0.1, 0.1}, {-7, 3}};
    assertArrayEquals(new int[] {0, 0, 0, -1, 0, -1}, run(xs, 0.5, 2));
  }

  @Test
  void minSamplesCountsThePointItselfAsScikitLearn() {
    // three points pairwise within eps: each has 3 points in its neighbourhood, itself included
    double[][] xs = {{0, 0}, {0.1, 0}, {0, 0.1}};
    assertArrayEquals(new int[] {0, 0, 0}, run(xs, 0.5, 3));
    assertArrayEquals(new int[] {-1, -1, -1}, run(xs, 0.5, 4));
    // min samples 1: every point is core, lone points are clusters of one
    assertArrayEquals(new int[] {0, 1}, run(new double[][] {{0, 0}, {9, 9}}, 0.5, 1));
  }

  @Test
  void epsIsInclusive() {
    double[][] xs = {{0, 0}, {0.5, 0}};
    assertArrayEquals(new int[] {0, 0}, run(xs, 0.5, 2));
    assertArrayEquals(new int[] {-1, -1}, run(xs, 0.4999, 2));
  }

  @Test
  void ambiguousBorderPointJoinsTheClusterScikitLearnGivesIt() {
    // 0 is within eps=1 of core points -1 and 1 but has only 3 neighbours itself (min samples 4): a border point
    // of both clusters. scikit-learn expands clusters in index order, so it joins the one seeded first:
    // DBSCAN(eps=1, min_samples=4) on [-2,-1.5,-1,0,1,1.5,2] -> [0 0 0 0 1 1 1]; on [1,1.5,2,0,-2,-1.5,-1] -> [0 0 0 0 1 1 1]
    double[][] aFirst = {{-2, 0}, {-1.5, 0}, {-1, 0}, {0, 0}, {1, 0}, {1.5, 0}, {2, 0}};
    double[][] bFirst = {{1, 0}, {1.5, 0}, {2, 0}, {0, 0}, {-2, 0}, {-1.5, 0}, {-1, 0}};
    assertSamePartition(new int[] {0, 0, 0, 0, 1, 1, 1}, run(aFirst, 1, 4));
    assertSamePartition(new int[] {0, 0, 0, 0, 1, 1, 1}, run(bFirst, 1, 4));
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> new Dbscan(0, 5));
    assertThrows(IllegalArgumentException.class, () -> new Dbscan(0.5, 0));
  }
}
