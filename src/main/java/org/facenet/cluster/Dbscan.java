package org.facenet.cluster;

/**
 * DBSCAN on Euclidean distance, as scikit-learn's {@code DBSCAN(eps, min_samples)}: a point is a core point when
 * at least {@code minSamples} points, itself included, lie within {@code eps} (inclusive); core points within
 * eps of each other share a cluster; a non-core point within eps of a core point joins that cluster; the rest is
 * noise (-1). A border point reachable from several clusters joins the one scikit-learn gives it: the cluster
 * whose lowest-numbered core point comes first. facenet's contributed/cluster.py runs exactly this with
 * {@code eps=1.0, min_samples=1} on its embeddings.
 */
public final class Dbscan implements Clusterer {

  private final double eps;
  private final int minSamples;

  public Dbscan(double eps, int minSamples) {
    if (!(eps > 0)) throw new IllegalArgumentException("DBSCAN eps must be positive, got " + eps);
    if (minSamples < 1) throw new IllegalArgumentException("DBSCAN min samples must be at least 1, got " + minSamples);
    this.eps = eps;
    this.minSamples = minSamples;
  }

  @Override
  public String describe() {
    return "dbscan eps=" + eps + " min-samples=" + minSamples;
  }

  @Override
  public double threshold() {
    return eps;
  }

  @Override
  public Dbscan withThreshold(double threshold) {
    return new Dbscan(threshold, minSamples);
  }

  @Override
  public boolean normalises() {
    return false;
  }

  @Override
  public double radius() {
    return eps;
  }

  @Override
  public Clustering cluster(Embeddings space, NeighbourGraph g) {
    int n = g.size();
    boolean[] core = new boolean[n];
    for (int i = 0; i < n; i++) {
      int count = 1; // the point itself, as scikit-learn counts it
      for (int k = g.start(i); k < g.end(i); k++) if (g.distance(k) <= eps) count++;
      core[i] = count >= minSamples;
    }
    UnionFind uf = new UnionFind(n);
    for (int i = 0; i < n; i++) {
      if (!core[i]) continue;
      for (int k = g.start(i); k < g.end(i); k++) {
        int j = g.neighbour(k);
        if (j > i && core[j] && g.distance(k) <= eps) uf.union(i, j);
      }
    }
    // each cluster's lowest core index: scikit-learn seeds clusters in index order, so a border point goes to
    // the reachable cluster whose seed is lowest
    int[] seed = new int[n];
    java.util.Arrays.fill(seed, Integer.MAX_VALUE);
    for (int i = 0; i < n; i++) if (core[i]) seed[uf.find(i)] = Math.min(seed[uf.find(i)], i);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      if (core[i]) {
        ids[i] = uf.find(i);
        continue;
      }
      int best = -1;
      int bestSeed = Integer.MAX_VALUE;
      for (int k = g.start(i); k < g.end(i); k++) {
        int j = g.neighbour(k);
        if (core[j] && g.distance(k) <= eps) {
          int r = uf.find(j);
          if (seed[r] < bestSeed) {
            bestSeed = seed[r];
            best = r;
          }
        }
      }
      ids[i] = best; // -1: noise
    }
    return Clustering.of(ids);
  }
}
