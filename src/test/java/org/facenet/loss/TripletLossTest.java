package org.facenet.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.facenet.loss.MetricReference.Evaluation;
import org.facenet.nn.Layers;
import org.facenet.nn.VariableStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Triplet losses (batch-hard, batch-all, semi-hard) against float64 plain-Java references. */
class TripletLossTest {

  /** Four identities of three images and one identity with a single image (an anchor without positive). */
  private static final int[] LABELS = {0, 1, 2, 0, 3, 1, 2, 4, 3, 0, 1, 2, 3};
  private static final int D = 6;

  // ------------------------------------------------------------------ helpers

  private static void close(double expected, double actual, String what) {
    // 1e-5 relative; absolute near 0 (float32 graph vs float64 reference).
    assertEquals(expected, actual, Math.max(1e-5 * Math.abs(expected), 2e-6), what);
  }

  /**
   * A mean distance of the graph (float32) against the float64 reference. The graph takes squared distances from the
   * Gram matrix, ||a||^2 + ||b||^2 - 2 a.b, whose float32 rounding error is absolute: a few ulps of the squared norms
   * (16 ulp(1) for embeddings of norm <= 1), so for a small distance d the error of sqrt is that over 2d (0.015 apart
   * it is 3e-5 relative; seen: 1.4e-4 of the 1e-5 relative bound failed on one CPU).
   */
  private static void closeDistance(double expected, double actual, boolean squared, String what) {
    double gramError = 16 * Math.ulp(1f);
    double tolerance = squared ? gramError : gramError / (2 * Math.max(expected, 1e-3));
    assertEquals(expected, actual, Math.max(Math.max(1e-5 * Math.abs(expected), 2e-6), tolerance), what);
  }

  private static MetricReference.GraphLoss hard(float margin, boolean squared, boolean soft) {
    return (tf, x, y) -> TripletLoss.batchHard(tf, x, y, margin, squared, soft);
  }

  private static MetricReference.GraphLoss all(float margin, boolean squared) {
    return (tf, x, y) -> TripletLoss.batchAll(tf, x, y, margin, squared);
  }

  private static MetricReference.GraphLoss semi(float margin, boolean squared) {
    return (tf, x, y) -> TripletLoss.semiHard(tf, x, y, margin, squared);
  }

  private static void checkBatchHard(float[][] x, int[] y, float margin, boolean squared, boolean soft) {
    double[] ref = MetricReference.batchHard(MetricReference.toDouble(x), y, margin, squared, soft);
    Evaluation e = MetricReference.evaluate(hard(margin, squared, soft), x, y);
    close(ref[0], e.loss(), "loss");
    close(ref[1], e.diagnostics().get("fraction_active_triplets"), "fraction_active_triplets");
    closeDistance(ref[2], e.diagnostics().get("mean_hardest_positive_distance"), squared, "mean_hardest_positive_distance");
    closeDistance(ref[3], e.diagnostics().get("mean_hardest_negative_distance"), squared, "mean_hardest_negative_distance");
    assertFinite(e);
  }

  private static void checkBatchAll(float[][] x, int[] y, float margin, boolean squared) {
    double[] ref = MetricReference.batchAll(MetricReference.toDouble(x), y, margin, squared);
    Evaluation e = MetricReference.evaluate(all(margin, squared), x, y);
    close(ref[0], e.loss(), "loss");
    close(ref[1], e.diagnostics().get("fraction_positive_triplets"), "fraction_positive_triplets");
    assertFinite(e);
  }

  private static double[] checkSemiHard(float[][] x, int[] y, float margin, boolean squared) {
    double[] ref = MetricReference.semiHard(MetricReference.toDouble(x), y, margin, squared);
    Evaluation e = MetricReference.evaluate(semi(margin, squared), x, y);
    close(ref[0], e.loss(), "loss");
    close(ref[1], e.diagnostics().get("fraction_active_triplets"), "fraction_active_triplets");
    closeDistance(ref[2], e.diagnostics().get("mean_positive_distance"), squared, "mean_positive_distance");
    closeDistance(ref[3], e.diagnostics().get("mean_negative_distance"), squared, "mean_negative_distance");
    assertFinite(e);
    return ref;
  }

  static void assertFinite(Evaluation e) {
    assertTrue(Double.isFinite(e.loss()), "loss " + e.loss());
    for (var entry : e.diagnostics().entrySet()) assertTrue(Double.isFinite(entry.getValue()), entry.toString());
    for (float[] row : e.gradient())
      for (float v : row) assertTrue(Float.isFinite(v), "gradient " + v);
  }

  static void checkGradient(MetricReference.GraphLoss graph, java.util.function.ToDoubleFunction<double[][]> ref,
      float[][] x, int[] y) {
    Evaluation e = MetricReference.evaluate(graph, x, y);
    double[][] fd = MetricReference.finiteDifferences(ref, MetricReference.toDouble(x), 1e-6);
    double scale = 0;
    for (double[] row : fd)
      for (double v : row) scale = Math.max(scale, Math.abs(v));
    assertTrue(scale > 1e-3, "the loss must depend on the embeddings here (max |grad| " + scale + ")");
    for (int i = 0; i < x.length; i++)
      for (int k = 0; k < x[i].length; k++)
        assertEquals(fd[i][k], e.gradient()[i][k], 2e-5 + 1e-3 * Math.abs(fd[i][k]), "d loss / d x[" + i + "][" + k + "]");
  }

  /** Embeddings where every identity sits on its own basis vector (with a tiny spread): every triplet is easy. */
  private static float[][] clustered(int[] y, float spread, long seed) {
    float[][] noise = MetricReference.randomUnit(y.length, D, seed);
    float[][] x = new float[y.length][D];
    for (int i = 0; i < y.length; i++) {
      double norm = 0;
      for (int k = 0; k < D; k++) {
        x[i][k] = (k == y[i] % D ? 1f : 0f) + spread * noise[i][k];
        norm += x[i][k] * (double) x[i][k];
      }
      for (int k = 0; k < D; k++) x[i][k] /= (float) Math.sqrt(norm);
    }
    return x;
  }

  // ------------------------------------------------------------------ values

  @ParameterizedTest
  @CsvSource({"0.2,false,false", "0.2,true,false", "0.5,false,false", "1.0,true,false", "0.2,false,true",
      "0.2,true,true"})
  void batchHardMatchesReference(float margin, boolean squared, boolean soft) {
    for (long seed = 1; seed <= 3; seed++) checkBatchHard(MetricReference.randomUnit(LABELS.length, D, seed), LABELS, margin, squared, soft);
  }

  @ParameterizedTest
  @CsvSource({"0.2,false", "0.2,true", "0.5,false", "1.0,true"})
  void batchAllMatchesReference(float margin, boolean squared) {
    for (long seed = 1; seed <= 3; seed++) checkBatchAll(MetricReference.randomUnit(LABELS.length, D, seed), LABELS, margin, squared);
  }

  @Test
  void semiHardMatchesReferenceAndCoversEveryNegativeSelectionCase() {
    double semi = 0, beyond = 0, fallback = 0;
    for (float margin : new float[] {0.2f, 0.5f})
      for (boolean squared : new boolean[] {false, true})
        for (long seed = 1; seed <= 3; seed++) {
          double[] ref = checkSemiHard(MetricReference.randomUnit(LABELS.length, D, seed), LABELS, margin, squared);
          semi += ref[4];
          beyond += ref[5];
          fallback += ref[6];
        }
    assertTrue(semi > 0 && beyond > 0 && fallback > 0, "cases " + semi + " " + beyond + " " + fallback);
  }

  @Test
  void oneIdentityBatchHasNoValidAnchorsAndLossZero() {
    int[] y = {5, 5, 5, 5};
    float[][] x = MetricReference.randomUnit(y.length, D, 11);
    for (boolean squared : new boolean[] {false, true}) {
      for (Evaluation e : List.of(MetricReference.evaluate(hard(0.2f, squared, false), x, y),
          MetricReference.evaluate(hard(0.2f, squared, true), x, y), MetricReference.evaluate(all(0.2f, squared), x, y),
          MetricReference.evaluate(semi(0.2f, squared), x, y))) {
        assertEquals(0.0, e.loss(), 0.0);
        assertFinite(e);
        for (double v : e.diagnostics().values()) assertEquals(0.0, v, 0.0);
        for (float[] row : e.gradient())
          for (float v : row) assertEquals(0f, v, 0f);
      }
    }
  }

  @Test
  void singleImageAndAllSingletonBatches() {
    float[][] one = MetricReference.randomUnit(1, D, 12);
    int[] distinct = {0, 1, 2, 3};
    float[][] four = MetricReference.randomUnit(4, D, 13);
    for (boolean squared : new boolean[] {false, true}) {
      for (var f : List.of(hard(0.2f, squared, false), all(0.2f, squared), semi(0.2f, squared))) {
        Evaluation e1 = MetricReference.evaluate(f, one, new int[] {3});
        assertEquals(0.0, e1.loss(), 0.0);
        assertFinite(e1);
        Evaluation e4 = MetricReference.evaluate(f, four, distinct);
        assertEquals(0.0, e4.loss(), 0.0);
        assertFinite(e4);
      }
    }
  }

  @Test
  void duplicateEmbeddingsGiveFiniteGradients() {
    float[][] x = MetricReference.randomUnit(LABELS.length, D, 21);
    x[3] = x[0].clone(); // same identity 0: zero positive distance
    x[5] = x[2].clone(); // identities 1 and 2: zero negative distance
    x[12] = x[4].clone(); // identity 3 twice
    for (boolean squared : new boolean[] {false, true}) {
      checkBatchHard(x, LABELS, 0.2f, squared, false);
      checkBatchHard(x, LABELS, 0.2f, squared, true);
      checkBatchAll(x, LABELS, 0.2f, squared);
      checkSemiHard(x, LABELS, 0.2f, squared);
    }
    // A whole identity collapsed onto one point, and a negative on top of it.
    int[] y = {0, 0, 0, 1, 1};
    float[][] z = MetricReference.randomUnit(5, D, 22);
    z[1] = z[0].clone();
    z[2] = z[0].clone();
    z[3] = z[0].clone();
    for (boolean squared : new boolean[] {false, true}) {
      checkBatchHard(z, y, 0.2f, squared, false);
      checkBatchAll(z, y, 0.2f, squared);
      checkSemiHard(z, y, 0.2f, squared);
    }
  }

  @Test
  void allEasyTripletsGiveZeroLoss() {
    float[][] x = clustered(LABELS, 0.01f, 31);
    for (boolean squared : new boolean[] {false, true}) {
      Evaluation h = MetricReference.evaluate(hard(0.2f, squared, false), x, LABELS);
      assertEquals(0.0, h.loss(), 0.0);
      assertEquals(0.0, h.diagnostics().get("fraction_active_triplets"), 0.0);
      assertFinite(h);
      checkBatchHard(x, LABELS, 0.2f, squared, false);
      Evaluation a = MetricReference.evaluate(all(0.2f, squared), x, LABELS);
      assertEquals(0.0, a.loss(), 0.0);
      assertEquals(0.0, a.diagnostics().get("fraction_positive_triplets"), 0.0);
      Evaluation s = MetricReference.evaluate(semi(0.2f, squared), x, LABELS);
      assertEquals(0.0, s.loss(), 0.0);
      assertEquals(0.0, s.diagnostics().get("fraction_active_triplets"), 0.0);
      for (Evaluation e : List.of(h, a, s))
        for (float[] row : e.gradient())
          for (float v : row) assertEquals(0f, v, 0f);
    }
  }

  // ------------------------------------------------------------------ gradients

  @ParameterizedTest
  @CsvSource({"0.2,false,false", "0.5,true,false", "0.2,false,true", "0.2,true,true"})
  void batchHardGradientMatchesFiniteDifferences(float margin, boolean squared, boolean soft) {
    float[][] x = MetricReference.randomUnit(LABELS.length, D, 41);
    checkGradient(hard(margin, squared, soft), z -> MetricReference.batchHard(z, LABELS, margin, squared, soft)[0], x, LABELS);
  }

  @ParameterizedTest
  @CsvSource({"0.2,false", "0.5,true"})
  void batchAllGradientMatchesFiniteDifferences(float margin, boolean squared) {
    float[][] x = MetricReference.randomUnit(LABELS.length, D, 42);
    checkGradient(all(margin, squared), z -> MetricReference.batchAll(z, LABELS, margin, squared)[0], x, LABELS);
  }

  @ParameterizedTest
  @CsvSource({"0.2,false", "0.5,true", "0.5,false"})
  void semiHardGradientMatchesFiniteDifferences(float margin, boolean squared) {
    float[][] x = MetricReference.randomUnit(LABELS.length, D, 43);
    checkGradient(semi(margin, squared), z -> MetricReference.semiHard(z, LABELS, margin, squared)[0], x, LABELS);
  }

  // ------------------------------------------------------------------ the Loss interface

  @Test
  void buildReadsLossInputsAndOptions() {
    float[][] x = MetricReference.randomUnit(LABELS.length, D, 51);
    double[][] xd = MetricReference.toDouble(x);
    LossOptions o = LossOptions.defaults();
    Map<TripletLoss.Variant, Double> expected = Map.of(
        TripletLoss.Variant.BATCH_HARD, MetricReference.batchHard(xd, LABELS, o.margin(), o.squared(), o.softMargin())[0],
        TripletLoss.Variant.BATCH_ALL, MetricReference.batchAll(xd, LABELS, o.margin(), o.squared())[0],
        TripletLoss.Variant.SEMI_HARD, MetricReference.semiHard(xd, LABELS, o.margin(), o.squared())[0]);
    float[] flat = new float[LABELS.length * D];
    for (int i = 0; i < x.length; i++) System.arraycopy(x[i], 0, flat, i * D, D);
    for (var entry : expected.entrySet()) {
      Loss loss = new TripletLoss(entry.getKey(), o);
      assertTrue(loss.needsIdentityBatches());
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        Layers layers = Layers.tower(new VariableStore(tf, 1), true, 0f, Layers.BatchNormConfig.FACENET);
        Operand<TFloat32> emb = tf.constant(Shape.of(LABELS.length, D), DataBuffers.of(flat, true, false));
        Operand<TInt32> lab = tf.constant(LABELS);
        LossOutput out = loss.build(new LossInputs(layers, emb, emb, lab, 5));
        assertFalse(out.diagnostics().isEmpty());
        assertTrue(out.updates().isEmpty());
        try (Session s = new Session(g); Result r = s.runner().fetch(out.loss()).run()) {
          close(entry.getValue(), ((TFloat32) r.get(0)).getFloat(), entry.getKey().toString());
        }
      }
    }
  }
}
