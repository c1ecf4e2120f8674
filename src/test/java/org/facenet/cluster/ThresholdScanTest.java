package org.facenet.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThresholdScanTest {

  @Test
  void withLabelsPicksAThresholdThatRecoversTheIdentities() {
    Embeddings e = TestData.blobs(5, 8, 16, 11); // same-identity pairs ~0.07 apart, others ~1.41
    double[] grid = ThresholdScan.grid(0.02, 1.6, 0.1);
    ThresholdScan.Result r = ThresholdScan.run(new Dbscan(0.5, 2), e, grid, new BlockedNeighbourSearch(2), true, 0, 0);
    assertEquals(grid.length, r.rows().size());
    assertEquals(1.0, r.best().quality().bcubedF(), 1e-12);
    assertTrue(r.best().threshold() > 0.07 && r.best().threshold() < 1.41, "best " + r.best().threshold());
    // too small: all noise; too large: one cluster
    assertEquals(0, r.rows().get(0).clusters());
    assertEquals(1, r.rows().get(grid.length - 1).clusters());
    assertTrue(r.table("eps").contains("suggested eps"), r.table("eps"));
  }

  @Test
  void withoutLabelsSilhouetteMatchesScikitLearn() {
    // sklearn_reference.py: silhouette_score(X, DBSCAN(eps=0.5, min_samples=4) labels with noise as singletons)
    Embeddings e = TestData.points(DbscanTest.X);
    ThresholdScan.Result r = ThresholdScan.run(new Dbscan(0.5, 4), e, new double[] {0.5}, new BlockedNeighbourSearch(1),
        false, e.size(), 0);
    assertEquals(0.521385736492351, r.best().silhouette(), 1e-6);
    assertTrue(r.criterion().contains("silhouette"));
  }

  @Test
  void withoutLabelsSilhouettePrefersTheTrueBlobs() {
    Embeddings e = TestData.blobs(4, 10, 16, 12);
    ThresholdScan.Result r = ThresholdScan.run(new ChineseWhispers(0.5), e, ThresholdScan.grid(0.1, 0.9, 0.2),
        new BlockedNeighbourSearch(2), false, 40, 0);
    assertEquals(4, r.best().clusters());
  }

  @Test
  void gridIncludesBothEnds() {
    assertArrayEquals(new double[] {0.5, 0.55, 0.6}, ThresholdScan.grid(0.5, 0.6, 0.05), 1e-12);
  }
}
