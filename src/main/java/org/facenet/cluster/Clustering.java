package org.facenet.cluster;

import java.util.Arrays;

/**
 * The result of a clustering: one cluster number per embedding, {@link #NOISE} (-1) for points in no cluster.
 * Clusters are numbered by size, 0 the largest (ties: the one whose first member comes first), as facenet's
 * clustering script names its folders.
 */
public final class Clustering {

  public static final int NOISE = -1;

  private final int[] labels;
  private final int[] sizes;
  private final int noise;

  private Clustering(int[] labels, int[] sizes, int noise) {
    this.labels = labels;
    this.sizes = sizes;
    this.noise = noise;
  }

  /**
   * Renumbers arbitrary cluster ids (any int; negative means noise) by size, largest first. The array is not
   * modified.
   */
  public static Clustering of(int[] ids) {
    int n = ids.length;
    java.util.HashMap<Integer, int[]> info = new java.util.HashMap<>(); // id -> {size, first}
    int noise = 0;
    for (int i = 0; i < n; i++) {
      if (ids[i] < 0) {
        noise++;
        continue;
      }
      int[] s = info.computeIfAbsent(ids[i], k -> new int[] {0, Integer.MAX_VALUE});
      s[0]++;
      s[1] = Math.min(s[1], i);
    }
    Integer[] order = info.keySet().toArray(Integer[]::new);
    Arrays.sort(order, (a, b) -> {
      int[] x = info.get(a);
      int[] y = info.get(b);
      return x[0] != y[0] ? Integer.compare(y[0], x[0]) : Integer.compare(x[1], y[1]);
    });
    java.util.HashMap<Integer, Integer> renumber = new java.util.HashMap<>();
    int[] sizes = new int[order.length];
    for (int c = 0; c < order.length; c++) {
      renumber.put(order[c], c);
      sizes[c] = info.get(order[c])[0];
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = ids[i] < 0 ? NOISE : renumber.get(ids[i]);
    return new Clustering(labels, sizes, noise);
  }

  /** Number of embeddings. */
  public int size() {
    return labels.length;
  }

  /** The cluster of embedding {@code i}, or {@link #NOISE}. */
  public int label(int i) {
    return labels[i];
  }

  /** A copy of all labels. */
  public int[] labels() {
    return labels.clone();
  }

  /** Number of clusters, noise not counted. */
  public int clusterCount() {
    return sizes.length;
  }

  /** Size of cluster {@code c}; sizes never increase with {@code c}. */
  public int clusterSize(int c) {
    return sizes[c];
  }

  /** Number of noise points. */
  public int noiseCount() {
    return noise;
  }

  /** Members of every cluster, {@code members()[c]} in input order. */
  public int[][] members() {
    int[][] m = new int[sizes.length][];
    int[] fill = new int[sizes.length];
    for (int c = 0; c < sizes.length; c++) m[c] = new int[sizes[c]];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] >= 0) m[labels[i]][fill[labels[i]]++] = i;
    }
    return m;
  }

  /** Indices of the noise points in input order. */
  public int[] noiseMembers() {
    int[] out = new int[noise];
    int k = 0;
    for (int i = 0; i < labels.length; i++) if (labels[i] < 0) out[k++] = i;
    return out;
  }

  /** One line: clusters, the largest sizes, singletons and noise. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    int singletons = 0;
    for (int s : sizes) if (s == 1) singletons++;
    sb.append(String.format("%d embeddings -> %d cluster(s)", labels.length, sizes.length));
    if (sizes.length > 0) {
      sb.append(" (sizes ");
      int shown = Math.min(sizes.length, 10);
      for (int c = 0; c < shown; c++) sb.append(c == 0 ? "" : ", ").append(sizes[c]);
      if (shown < sizes.length) sb.append(", ...");
      sb.append(String.format("; median %d, %d singleton(s))", sizes[sizes.length / 2], singletons));
    }
    sb.append(String.format(", %d noise point(s)", noise));
    return sb.toString();
  }
}
