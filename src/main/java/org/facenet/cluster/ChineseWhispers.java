package org.facenet.cluster;

import java.util.Random;

/**
 * Chinese whispers (Biemann 2006) as in facenet's contributed/clustering.py: the graph links every pair of faces
 * whose cosine similarity (dot product of L2-normalised embeddings) exceeds {@code threshold}, weighted by that
 * similarity; every face starts in its own class; for {@code iterations} rounds, in a fresh random order, each
 * face takes the class with the largest total edge weight among its neighbours (ties: the lowest class).
 * A face with no neighbour above the threshold is noise (-1): facenet's script leaves such faces out of every
 * cluster. facenet's defaults are threshold 0.55 and 20 iterations. The order is drawn from {@code seed}, so
 * runs are reproducible.
 */
public final class ChineseWhispers implements Clusterer {

  public static final double DEFAULT_THRESHOLD = 0.55;
  public static final int DEFAULT_ITERATIONS = 20;

  private final double threshold;
  private final int iterations;
  private final long seed;

  public ChineseWhispers(double threshold, int iterations, long seed) {
    if (!(threshold > -1 && threshold < 1)) {
      throw new IllegalArgumentException("Chinese whispers threshold is a cosine similarity in (-1, 1), got " + threshold);
    }
    if (iterations < 1) throw new IllegalArgumentException("Chinese whispers iterations must be at least 1, got " + iterations);
    this.threshold = threshold;
    this.iterations = iterations;
    this.seed = seed;
  }

  public ChineseWhispers(double threshold) {
    this(threshold, DEFAULT_ITERATIONS, 0);
  }

  @Override
  public String describe() {
    return "chinese-whispers threshold=" + threshold + " iterations=" + iterations;
  }

  @Override
  public double threshold() {
    return threshold;
  }

  @Override
  public ChineseWhispers withThreshold(double t) {
    return new ChineseWhispers(t, iterations, seed);
  }

  @Override
  public boolean normalises() {
    return true;
  }

  /** For unit vectors {@code |a-b|^2 = 2 - 2 cos}, so similarity above t means distance below sqrt(2 - 2t). */
  @Override
  public double radius() {
    return Math.sqrt(2 - 2 * threshold) + 1e-6;
  }

  @Override
  public Clustering cluster(Embeddings space, NeighbourGraph g) {
    int n = g.size();
    int[] cls = new int[n];
    boolean[] linked = new boolean[n];
    for (int i = 0; i < n; i++) {
      cls[i] = i;
      for (int k = g.start(i); k < g.end(i); k++) {
        if (similarity(g.distance(k)) > threshold) {
          linked[i] = true;
          break;
        }
      }
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    double[] weight = new double[n];
    int[] touched = new int[n];
    int[] mark = new int[n]; // mark[c] == stamp: class c already in touched for this node
    int stamp = 0;
    Random rnd = new Random(seed);
    for (int it = 0; it < iterations; it++) {
      for (int i = n - 1; i > 0; i--) { // Fisher-Yates
        int j = rnd.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      boolean changed = false;
      for (int node : order) {
        int m = 0;
        stamp++;
        for (int k = g.start(node); k < g.end(node); k++) {
          double w = similarity(g.distance(k));
          if (w <= threshold) continue;
          int c = cls[g.neighbour(k)];
          if (mark[c] != stamp) {
            mark[c] = stamp;
            touched[m++] = c;
          }
          weight[c] += w;
        }
        if (m == 0) continue;
        int best = -1;
        double bestW = Double.NEGATIVE_INFINITY;
        for (int q = 0; q < m; q++) {
          int c = touched[q];
          if (weight[c] > bestW || (weight[c] == bestW && c < best)) {
            bestW = weight[c];
            best = c;
          }
          weight[c] = 0;
        }
        if (cls[node] != best) {
          cls[node] = best;
          changed = true;
        }
      }
      if (!changed) break; // a fixed point: further rounds change nothing
    }
    for (int i = 0; i < n; i++) if (!linked[i]) cls[i] = -1;
    return Clustering.of(cls);
  }

  /** Cosine similarity of two unit vectors at Euclidean distance d. */
  static double similarity(float d) {
    return 1 - (double) d * d / 2;
  }
}
