package org.facenet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

/** Helpers shared by the cluster tests. */
final class TestData {

  private TestData() {}

  /** 2-D or n-D points as embeddings (paths are row numbers, no labels). */
  static Embeddings points(double[][] xs) {
    float[][] v = new float[xs.length][];
    for (int i = 0; i < xs.length; i++) {
      v[i] = new float[xs[i].length];
      for (int k = 0; k < xs[i].length; k++) v[i][k] = (float) xs[i][k];
    }
    return Embeddings.of(v);
  }

  /** Asserts two labelings are the same partition, noise (-1) matching noise exactly. */
  static void assertSamePartition(int[] expected, int[] actual) {
    assertEquals(expected.length, actual.length, "length");
    Map<Integer, Integer> fwd = new HashMap<>();
    Map<Integer, Integer> back = new HashMap<>();
    for (int i = 0; i < expected.length; i++) {
      int e = expected[i];
      int a = actual[i];
      assertEquals(e < 0, a < 0, "noise differs at point " + i + ": expected " + java.util.Arrays.toString(expected)
          + " got " + java.util.Arrays.toString(actual));
      if (e < 0) continue;
      Integer f = fwd.putIfAbsent(e, a);
      Integer b = back.putIfAbsent(a, e);
      if ((f != null && f != a) || (b != null && b != e)) {
        throw new AssertionError("different partition at point " + i + ": expected "
            + java.util.Arrays.toString(expected) + " got " + java.util.Arrays.toString(actual));
      }
    }
  }

  /** Well-separated blobs: {@code k} centres on the axes of {@code dim}-D, {@code per} points each, jitter 0.05. */
  static Embeddings blobs(int k, int per, int dim, long seed) {
    java.util.Random rnd = new java.util.Random(seed);
    float[][] v = new float[k * per][dim];
    String[] labels = new String[k * per];
    for (int c = 0; c < k; c++) {
      for (int p = 0; p < per; p++) {
        int i = c * per + p;
        for (int d = 0; d < dim; d++) v[i][d] = (float) ((d == c ? 1 : 0) + 0.05 * rnd.nextGaussian() / Math.sqrt(dim));
        labels[i] = "person" + c;
      }
    }
    return Embeddings.of(v, labels);
  }

  /** Expected labels for {@link #blobs}: point i belongs to blob i / per. */
  static int[] blobLabels(int k, int per) {
    int[] l = new int[k * per];
    for (int i = 0; i < l.length; i++) l[i] = i / per;
    return l;
  }
}
