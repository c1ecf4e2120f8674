package org.facenet.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The foldings of a folded inference tower, on hand-derived values. */
public class FoldingTest {

  /** Weights [2 in, 2 out] = [[1, 2], [3, 4]], output channels on the last axis. */
  static Map<String, float[]> values() {
    Map<String, float[]> v = new HashMap<>();
    v.put("w", new float[] {1, 2, 3, 4});
    v.put("beta", new float[] {0.5f, -1f});
    v.put("gamma", new float[] {2f, 0.5f});
    v.put("mean", new float[] {1f, -2f});
    v.put("var", new float[] {3.75f, 3.75f});
    return v;
  }

  @Test
  void foldsScaleIntoTheWeightsAndShiftIntoTheBias() {
    // s = gamma / sqrt(3.75 + 0.25) = [1, 0.25]; W s scales column k by s_k; bias = beta - mean s = [-0.5, -0.5].
    Map<String, float[]> f = new FoldedBatchNorm("w", "beta", "gamma", "mean", "var", 0.25f).fold(values());
    assertEquals(Set.of("w", "beta"), f.keySet(), "the layer's weights and bias are rewritten, nothing else");
    assertArrayEquals(new float[] {1f, 0.5f, 3f, 1f}, f.get("w"), 1e-7f);
    assertArrayEquals(new float[] {-0.5f, -0.5f}, f.get("beta"), 1e-7f);
  }

  @Test
  void withoutGammaTheScaleIsOne() {
    // s = 1 / sqrt(4) = [0.5, 0.5]; bias = [0.5 - 0.5, -1 + 1] = [0, 0].
    Map<String, float[]> f = new FoldedBatchNorm("w", "beta", null, "mean", "var", 0.25f).fold(values());
    assertArrayEquals(new float[] {0.5f, 1f, 1.5f, 2f}, f.get("w"), 1e-7f);
    assertArrayEquals(new float[] {0f, 0f}, f.get("beta"), 1e-7f);
  }

  @Test
  void aScaleFoldsIntoWeightsAndBiases() {
    Map<String, float[]> v = Map.of("w", new float[] {1, -2, 3}, "b", new float[] {0.5f}, "other", new float[] {7});
    Map<String, float[]> f = new FoldedScale("w", "b", 0.17f).fold(v);
    assertEquals(Set.of("w", "b"), f.keySet());
    assertArrayEquals(new float[] {0.17f, -0.34f, 0.51f}, f.get("w"), 1e-7f);
    assertArrayEquals(new float[] {0.085f}, f.get("b"), 1e-7f);
  }

  @Test
  void missingOrMismatchedValuesAreErrorsNamingTheVariable() {
    Map<String, float[]> v = values();
    v.remove("mean");
    var missing = assertThrows(IllegalArgumentException.class,
        () -> new FoldedBatchNorm("w", "beta", null, "mean", "var", 1e-3f).fold(v));
    assertTrue(missing.getMessage().contains("mean"), missing.getMessage());
    Map<String, float[]> odd = values();
    odd.put("w", new float[] {1, 2, 3});
    var mismatch = assertThrows(IllegalArgumentException.class,
        () -> new FoldedBatchNorm("w", "beta", null, "mean", "var", 1e-3f).fold(odd));
    assertTrue(mismatch.getMessage().startsWith("w:"), mismatch.getMessage());
  }
}
