package org.facenet.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.facenet.loss.MetricReference.Evaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Contrastive loss over all pairs against a float64 plain-Java reference. */
class ContrastiveLossTest {

  private static final int[] LABELS = {0, 1, 2, 0, 3, 1, 2, 4, 3, 0, 1, 2, 3};
  private static final int D = 6;

  private static MetricReference.GraphLoss contrastive(float margin) {
    return (tf, x, y) -> ContrastiveLoss.contrastive(tf, x, y, margin);
  }

  private static void close(double expected, double actual, String what) {
    assertEquals(expected, actual, Math.max(1e-5 * Math.abs(expected), 2e-6), what);
  }

  private static Evaluation check(float[][] x, int[] y, float margin) {
    double[] ref = MetricReference.contrastive(MetricReference.toDouble(x), y, margin);
    Evaluation e = MetricReference.evaluate(contrastive(margin), x, y);
    close(ref[0], e.loss(), "loss");
    close(ref[1], e.diagnostics().get("mean_positive_distance"), "mean_positive_distance");
    close(ref[2], e.diagnostics().get("mean_negative_distance"), "mean_negative_distance");
    TripletLossTest.assertFinite(e);
    return e;
  }

  @ParameterizedTest
  @ValueSource(floats = {0.2f, 1.0f, 1.5f})
  void matchesReference(float margin) {
    for (long seed = 1; seed <= 3; seed++) check(MetricReference.randomUnit(LABELS.length, D, seed), LABELS, margin);
  }

  @ParameterizedTest
  @ValueSource(floats = {1.0f, 1.5f})
  void gradientMatchesFiniteDifferences(float margin) {
    float[][] x = MetricReference.randomUnit(LABELS.length, D, 61);
    TripletLossTest.checkGradient(contrastive(margin), z -> MetricReference.contrastive(z, LABELS, margin)[0], x, LABELS);
  }

  @Test
  void edgeBatches() {
    // one image: no pair
    Evaluation one = check(MetricReference.randomUnit(1, D, 71), new int[] {2}, 1f);
    assertEquals(0.0, one.loss(), 0.0);
    // one identity: positive pairs only
    Evaluation same = check(MetricReference.randomUnit(5, D, 72), new int[] {1, 1, 1, 1, 1}, 1f);
    assertEquals(0.0, same.diagnostics().get("mean_negative_distance"), 0.0);
    // all distinct identities: negative pairs only
    Evaluation distinct = check(MetricReference.randomUnit(5, D, 73), new int[] {0, 1, 2, 3, 4}, 1.5f);
    assertEquals(0.0, distinct.diagnostics().get("mean_positive_distance"), 0.0);
  }

  @Test
  void duplicateEmbeddingsGiveFiniteGradients() {
    float[][] x = MetricReference.randomUnit(LABELS.length, D, 81);
    x[3] = x[0].clone(); // positive pair at distance 0
    x[5] = x[2].clone(); // negative pair at distance 0: max(m - 0, 0)^2 = m^2
    check(x, LABELS, 1f);
    check(x, LABELS, 0.2f);
  }

  @Test
  void allEasyPairsGiveZeroLoss() {
    // Each identity collapsed onto its own basis vector: positives at 0, negatives at sqrt(2) > margin.
    float[][] x = new float[LABELS.length][D];
    for (int i = 0; i < LABELS.length; i++) x[i][LABELS[i]] = 1f;
    Evaluation e = check(x, LABELS, 1f);
    assertEquals(0.0, e.loss(), 0.0);
    for (float[] row : e.gradient())
      for (float v : row) assertEquals(0f, v, 0f);
    assertTrue(new ContrastiveLoss(LossOptions.defaults()).needsIdentityBatches());
  }
}
