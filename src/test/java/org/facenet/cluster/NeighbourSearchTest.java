package org.facenet.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.facenet.runtime.Precision;
import org.junit.jupiter.api.Test;

class NeighbourSearchTest {

  /** Random vectors of varied length, some near-duplicates, so the radius cuts through many pairs. */
  static Embeddings data(int n, int dim, long seed) {
    Random rnd = new Random(seed);
    float[][] v = new float[n][dim];
    for (int i = 0; i < n; i++) {
      double scale = 0.5 + rnd.nextDouble();
      for (int k = 0; k < dim; k++) {
        v[i][k] = i > 0 && i % 7 == 0 ? v[i - 1][k] + (float) (0.01 * rnd.nextGaussian()) : (float) (scale * rnd.nextGaussian() / Math.sqrt(dim));
      }
    }
    return Embeddings.of(v);
  }

  static TreeSet<String> bruteForce(Embeddings e, double radius) {
    TreeSet<String> s = new TreeSet<>();
    for (int i = 0; i < e.size(); i++) {
      for (int j = i + 1; j < e.size(); j++) if (e.distance(i, j) <= radius) s.add(i + "-" + j);
    }
    return s;
  }

  static TreeSet<String> edges(NeighbourGraph g) {
    TreeSet<String> s = new TreeSet<>();
    for (int i = 0; i < g.size(); i++) {
      for (int k = g.start(i); k < g.end(i); k++) {
        int j = g.neighbour(k);
        assertTrue(j != i, "self loop");
        if (j > i) s.add(i + "-" + j);
      }
    }
    return s;
  }

  /** A radius equal to an actual pair distance, so the inclusive boundary is tested too. */
  static double boundaryRadius(Embeddings e) {
    List<Double> d = new ArrayList<>();
    for (int j = 1; j < e.size(); j++) d.add(e.distance(0, j));
    d.sort(null);
    return d.get(d.size() / 20);
  }

  @Test
  void everySearchReportsItsProgressUpToTheTotal() {
    Embeddings e = data(700, 37, 1); // 3 tiles of 256: 6 block pairs
    double r = boundaryRadius(e);
    for (NeighbourSearch s : List.of(new BlockedNeighbourSearch(2), new TensorFlowNeighbourSearch(2, 1_000_000,
        Precision.FLOAT32, 256), new PartitionedNeighbourSearch(2, 0, 8, Precision.FLOAT32, 0))) {
      List<long[]> calls = java.util.Collections.synchronizedList(new ArrayList<>());
      s.radiusGraph(e, r, (done, total) -> calls.add(new long[] {done, total}));
      assertTrue(!calls.isEmpty(), s.getClass().getSimpleName());
      long total = calls.get(0)[1];
      assertTrue(calls.stream().allMatch(c -> c[1] == total && c[0] >= 0 && c[0] <= total), s.getClass().getSimpleName());
      assertEquals(total, calls.stream().mapToLong(c -> c[0]).max().orElseThrow(), s.getClass().getSimpleName());
    }
    assertEquals(6, blockPairs(new BlockedNeighbourSearch(2), e, r));
  }

  private static long blockPairs(NeighbourSearch s, Embeddings e, double r) {
    long[] total = {0};
    s.radiusGraph(e, r, (done, t) -> total[0] = t);
    return total[0];
  }

  @Test
  void javaTilesFindExactlyThePairsOfABruteForceSearch() {
    Embeddings e = data(700, 37, 1); // several 256-row tiles, the last one partial, odd dimension
    double r = boundaryRadius(e);
    NeighbourGraph g = new BlockedNeighbourSearch(2).radiusGraph(e, r);
    TreeSet<String> expected = bruteForce(e, r);
    assertTrue(expected.size() > 100, "test data should have many pairs: " + expected.size());
    assertEquals(expected, edges(g));
    assertEquals(expected.size(), g.edgeCount());
    // distances are the exact ones, rows sorted by neighbour
    for (int i = 0; i < g.size(); i++) {
      for (int k = g.start(i); k < g.end(i); k++) {
        assertEquals(e.distance(i, g.neighbour(k)), g.distance(k), 1e-6);
        if (k > g.start(i)) assertTrue(g.neighbour(k - 1) < g.neighbour(k));
      }
    }
  }

  @Test
  void tensorFlowTilesFloatAndBfloat16AreExactToo() {
    Embeddings e = data(600, 40, 2);
    double r = boundaryRadius(e);
    TreeSet<String> expected = bruteForce(e, r);
    for (Precision p : Precision.values()) {
      // tile of 256 rows: 3 x 3 tiles with a partial last one
      NeighbourGraph g = new TensorFlowNeighbourSearch(2, 1_000_000, p, 256).radiusGraph(e, r);
      assertEquals(expected, edges(g), p.toString());
    }
  }

  @Test
  void partitionedSearchFindsNearlyAllPairsAndNoFalseOnes() {
    // identity-like groups (60 of 25 points, same-group pairs ~0.9 apart, others ~1.4)
    Embeddings e = SyntheticEmbeddings.blobs(1500, 64, 60, 0.08, 4);
    double r = 1.0;
    TreeSet<String> expected = bruteForce(e, r);
    // 39 cells, 8 probed: a fifth of the exact work
    TreeSet<String> found = edges(new PartitionedNeighbourSearch(2, 0, 8, Precision.FLOAT32, 0).radiusGraph(e, r));
    assertTrue(expected.containsAll(found), "every edge found must be a true pair within the radius");
    assertTrue(found.size() >= 0.99 * expected.size() && expected.size() > 10000,
        "recall " + found.size() + " / " + expected.size());
    // structureless isotropic data with a radius through its bulk is the hard case: recall drops (here ~0.89)
    Embeddings iso = data(1500, 24, 4);
    double ri = boundaryRadius(iso);
    TreeSet<String> isoExpected = bruteForce(iso, ri);
    TreeSet<String> isoFound = edges(new PartitionedNeighbourSearch(2, 0, 8, Precision.FLOAT32, 0).radiusGraph(iso, ri));
    assertTrue(isoExpected.containsAll(isoFound));
    assertTrue(isoFound.size() >= 0.8 * isoExpected.size(), "recall " + isoFound.size() + " / " + isoExpected.size());
    // probing every cell is the exact search
    assertEquals(isoExpected, edges(new PartitionedNeighbourSearch(2, 5, 5, Precision.BFLOAT16, 0).radiusGraph(iso, ri)));
    // well-separated blobs cluster exactly as with the exact search
    Embeddings blobs = TestData.blobs(6, 12, 32, 8);
    assertArrayEquals(new Dbscan(0.5, 3).cluster(blobs, new BlockedNeighbourSearch(2)).labels(),
        new Dbscan(0.5, 3).cluster(blobs, new PartitionedNeighbourSearch(2, 4, 2, Precision.BFLOAT16, 0)).labels());
  }

  @Test
  void tooManyPairsIsAClearError() {
    Embeddings e = data(300, 8, 3);
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> new BlockedNeighbourSearch(2, 100, new JavaTileKernel()).radiusGraph(e, 10.0));
    assertTrue(ex.getMessage().contains("lower the threshold"), ex.getMessage());
  }

  @Test
  void searchMethodsParse() {
    assertEquals(SearchMethod.TENSORFLOW_BF16, SearchMethod.parse("tensorflow-bf16"));
    assertEquals("tensorflow-bf16", SearchMethod.TENSORFLOW_BF16.spelling());
    assertEquals(SearchMethod.JAVA, SearchMethod.AUTO.resolve(100));
    assertThrows(IllegalArgumentException.class, () -> SearchMethod.parse("faiss"));
  }
}
