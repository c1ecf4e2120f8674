package org.facenet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterQualityTest {

  static List<String> labels(int... ids) {
    List<String> l = new ArrayList<>();
    for (int i : ids) l.add("id" + i);
    return l;
  }

  @Test
  void handComputedTinyExample() {
    // clusters {0,1} {2,3}; identities a a a b
    // pairs: predicted (0,1),(2,3); true (0,1),(0,2),(1,2); shared (0,1) -> P 1/2, R 1/3, F1 2/5
    // BCubed precision per item 1, 1, 1/2, 1/2 -> 3/4; recall 2/3, 2/3, 1/3, 1 -> 2/3; F = 12/17
    ClusterQuality q = ClusterQuality.of(Clustering.of(new int[] {0, 0, 1, 1}), labels(0, 0, 0, 1));
    assertEquals(0.5, q.pairPrecision(), 1e-12);
    assertEquals(1.0 / 3, q.pairRecall(), 1e-12);
    assertEquals(0.4, q.pairF1(), 1e-12);
    assertEquals(0.75, q.bcubedPrecision(), 1e-12);
    assertEquals(2.0 / 3, q.bcubedRecall(), 1e-12);
    assertEquals(12.0 / 17, q.bcubedF(), 1e-12);
    assertEquals(2, q.clusters());
    assertEquals(2, q.identities());
  }

  @Test
  void matchesScikitLearnNmiAndPythonBcubed() {
    // sklearn_reference.py: normalized_mutual_info_score (scikit-learn 1.9.1, arithmetic mean) with each noise point
    // relabelled as its own cluster; BCubed and pairwise scores by their definitions in numpy
    int[] pred = {0, 0, 0, 1, 1, 1, 1, 2, 2, -1, -1, 0, 1, 2, 2};
    ClusterQuality q = ClusterQuality.of(Clustering.of(pred), labels(0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 1, 3, 3));
    assertEquals(0.6047588101420258, q.nmi(), 1e-12);
    assertEquals(0.66, q.bcubedPrecision(), 1e-12);
    assertEquals(0.6266666666666666, q.bcubedRecall(), 1e-12);
    assertEquals(0.6429015544041451, q.bcubedF(), 1e-12);
    assertEquals(0.5, q.pairPrecision(), 1e-12);
    assertEquals(0.4782608695652174, q.pairRecall(), 1e-12);
    assertEquals(0.4888888888888889, q.pairF1(), 1e-12);
    assertEquals(3, q.clusters());
    assertEquals(2, q.noise());
    assertEquals(4, q.identities());
  }

  @Test
  void perfectClusteringScoresOneAndAllNoiseHasNoRecall() {
    ClusterQuality perfect = ClusterQuality.of(Clustering.of(new int[] {5, 5, 9, 9, 9}), labels(1, 1, 2, 2, 2));
    assertEquals(1, perfect.pairF1(), 1e-12);
    assertEquals(1, perfect.bcubedF(), 1e-12);
    assertEquals(1, perfect.nmi(), 1e-12);
    ClusterQuality noise = ClusterQuality.of(Clustering.of(new int[] {-1, -1, -1, -1}), labels(1, 1, 2, 2));
    assertEquals(1, noise.pairPrecision(), 1e-12); // no predicted pairs: vacuous
    assertEquals(0, noise.pairRecall(), 1e-12);
    assertEquals(0, noise.pairF1(), 1e-12);
    assertEquals(1, noise.bcubedPrecision(), 1e-12);
    assertEquals(0.5, noise.bcubedRecall(), 1e-12);
  }
}
