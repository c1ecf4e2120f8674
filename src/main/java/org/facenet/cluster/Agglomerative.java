package org.facenet.cluster;

import java.util.Locale;
import java.util.PriorityQueue;

/**
 * Agglomerative (hierarchical) clustering on Euclidean distance with a distance threshold, as scikit-learn's
 * {@code AgglomerativeClustering(n_clusters=None, distance_threshold=t, linkage=...)}: starting from singletons,
 * the two closest clusters merge while their linkage distance is below {@code t}. Complete linkage is the largest
 * distance between members of the two clusters; average linkage the mean over all member pairs.
 *
 * <p>It never builds the n x n matrix. Only pairs closer than t can matter: complete linkage below t needs every
 * member pair present. For average linkage, a pair of clusters with some member pairs at or beyond t has the
 * lower bound {@code (sum of known distances + missing pairs * t) / (|A| |B|)}; candidates sit in a priority queue
 * under that bound, and when one reaches the front its exact mean is computed from the vectors and it is queued
 * again. The cluster merged is therefore always the true closest pair, and the result is exact (ties aside).
 */
public final class Agglomerative implements Clusterer {

  /** How the distance between two clusters is measured. */
  public enum Linkage {
    AVERAGE, COMPLETE;

    /** Parses "average" or "complete" (any case). */
    public static Linkage parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("linkage must be 'average' or 'complete', got '" + s + "'");
      }
    }
  }

  private final double threshold;
  private final Linkage linkage;

  public Agglomerative(double threshold, Linkage linkage) {
    if (!(threshold > 0)) throw new IllegalArgumentException("agglomerative distance threshold must be positive, got " + threshold);
    this.threshold = threshold;
    this.linkage = linkage;
  }

  @Override
  public String describe() {
    return "agglomerative threshold=" + threshold + " linkage=" + linkage.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public double threshold() {
    return threshold;
  }

  @Override
  public Agglomerative withThreshold(double t) {
    return new Agglomerative(t, linkage);
  }

  @Override
  public boolean normalises() {
    return false;
  }

  @Override
  public double radius() {
    return threshold;
  }

  /** What is known about the member pairs of two clusters: those closer than the threshold. */
  private static final class Link {
    double sum;
    long count;
    double max;

    Link(double sum, long count, double max) {
      this.sum = sum;
      this.count = count;
      this.max = max;
    }
  }

  private record Candidate(double key, int a, int b, int va, int vb) implements Comparable<Candidate> {
    @Override
    public int compareTo(Candidate o) {
      int c = Double.compare(key, o.key);
      if (c != 0) return c;
      c = Integer.compare(Math.min(a, b), Math.min(o.a, o.b));
      return c != 0 ? c : Integer.compare(Math.max(a, b), Math.max(o.a, o.b));
    }
  }

  @Override
  public Clustering cluster(Embeddings space, NeighbourGraph g) {
    int n = g.size();
    double t = threshold;
    int[] size = new int[n];
    int[][] members = new int[n][];
    int[] version = new int[n];
    boolean[] active = new boolean[n];
    IntObjectMap<Link>[] links = newMaps(n);
    for (int i = 0; i < n; i++) {
      size[i] = 1;
      members[i] = new int[] {i};
      active[i] = true;
    }
    // clusters only ever merge within a connected component of the pairs closer than t, so each component is
    // clustered on its own with a small priority queue (far better locality than one queue of all pairs)
    UnionFind uf = new UnionFind(n);
    for (int i = 0; i < n; i++) {
      for (int k = g.start(i); k < g.end(i); k++) {
        int j = g.neighbour(k);
        double d = g.distance(k);
        if (j <= i || d >= t) continue;
        Link l = new Link(d, 1, d);
        links[i].put(j, l);
        links[j].put(i, l);
        uf.union(i, j);
      }
    }
    int[] compStart = new int[n + 1];
    for (int i = 0; i < n; i++) compStart[uf.find(i) + 1]++;
    for (int i = 0; i < n; i++) compStart[i + 1] += compStart[i];
    int[] compMembers = new int[n];
    int[] fill = java.util.Arrays.copyOf(compStart, n);
    for (int i = 0; i < n; i++) compMembers[fill[uf.find(i)]++] = i;
    PriorityQueue<Candidate> queue = new PriorityQueue<>();
    for (int root = 0; root < n; root++) {
      if (compStart[root + 1] - compStart[root] < 2) continue;
      queue.clear();
      for (int q = compStart[root]; q < compStart[root + 1]; q++) {
        int i = compMembers[q];
        for (int k = g.start(i); k < g.end(i); k++) {
          int j = g.neighbour(k);
          if (j > i && g.distance(k) < t) queue.add(new Candidate(g.distance(k), i, j, 0, 0));
        }
      }
      mergeAll(queue, space, size, members, version, active, links);
    }
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      if (!active[i]) continue;
      for (int m : members[i]) ids[m] = i;
    }
    return Clustering.of(ids);
  }

  /** Merges the closest pair of clusters while it is closer than the threshold. */
  private void mergeAll(PriorityQueue<Candidate> queue, Embeddings space, int[] size, int[][] members, int[] version,
      boolean[] active, IntObjectMap<Link>[] links) {
    double t = threshold;
    Candidate c;
    while ((c = queue.poll()) != null && c.key < t) {
      int a = c.a;
      int b = c.b;
      if (!active[a] || !active[b] || version[a] != c.va || version[b] != c.vb) continue;
      Link l = links[a].get(b);
      long full = (long) size[a] * size[b];
      if (l.count < full) {
        if (linkage == Linkage.COMPLETE) continue; // cannot happen: such pairs are never queued
        // only a lower bound so far: compute the exact mean and queue it again
        double s = 0;
        for (int p : members[a]) for (int q : members[b]) s += space.distance(p, q);
        l.sum = s;
        l.count = full;
        double exact = s / full;
        if (exact < t) queue.add(new Candidate(exact, a, b, c.va, c.vb));
        continue;
      }
      int big = size[a] >= size[b] ? a : b;
      int small = big == a ? b : a;
      merge(big, small, size, members, version, active, links);
      IntObjectMap<Link> row = links[big];
      for (int q = 0; q < row.capacity(); q++) {
        if (!row.occupied(q)) continue;
        int other = row.keyAt(q);
        double key = key(row.valueAt(q), (long) size[big] * size[other]);
        if (key < t) queue.add(new Candidate(key, big, other, version[big], version[other]));
      }
    }
  }

  private double key(Link l, long full) {
    if (l.count == full) return linkage == Linkage.COMPLETE ? l.max : l.sum / full;
    if (linkage == Linkage.COMPLETE) return Double.POSITIVE_INFINITY; // a member pair is at least t apart
    return (l.sum + (full - l.count) * threshold) / full;
  }

  private static void merge(int big, int small, int[] size, int[][] members, int[] version, boolean[] active,
      IntObjectMap<Link>[] links) {
    int[] m = java.util.Arrays.copyOf(members[big], size[big] + size[small]);
    System.arraycopy(members[small], 0, m, size[big], size[small]);
    members[big] = m;
    members[small] = null;
    size[big] += size[small];
    active[small] = false;
    version[big]++;
    links[big].remove(small);
    IntObjectMap<Link> row = links[small];
    for (int q = 0; q < row.capacity(); q++) {
      if (!row.occupied(q)) continue;
      int other = row.keyAt(q);
      if (other == big) continue;
      Link ls = row.valueAt(q);
      links[other].remove(small);
      Link lb = links[big].get(other);
      if (lb == null) {
        links[big].put(other, ls);
        links[other].put(big, ls);
      } else {
        lb.sum += ls.sum;
        lb.count += ls.count;
        lb.max = Math.max(lb.max, ls.max);
      }
    }
    links[small] = null;
  }

  @SuppressWarnings("unchecked")
  private static IntObjectMap<Link>[] newMaps(int n) {
    IntObjectMap<Link>[] maps = new IntObjectMap[n];
    for (int i = 0; i < n; i++) maps[i] = new IntObjectMap<>();
    return maps;
  }
}
