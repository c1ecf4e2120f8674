package org.facenet.cluster;

/**
 * The pairs of embeddings closer than a radius, as a symmetric adjacency list (compressed rows): for every
 * point its neighbours (never itself) and their Euclidean distances. This is all the three algorithms need,
 * so their memory grows with the number of close pairs, not with n squared.
 */
public final class NeighbourGraph {

  private final int n;
  private final double radius;
  private final int[] start;
  private final int[] neighbours;
  private final float[] distances;

  private NeighbourGraph(int n, double radius, int[] start, int[] neighbours, float[] distances) {
    this.n = n;
    this.radius = radius;
    this.start = start;
    this.neighbours = neighbours;
    this.distances = distances;
  }

  /** Builds the graph from undirected edges ({@code a[k]}, {@code b[k]}, {@code d[k]}), each given once. */
  public static NeighbourGraph fromEdges(int n, double radius, EdgeList edges) {
    long m2 = 2 * edges.size();
    if (m2 > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(edges.size() + " neighbour pairs are too many to hold; lower the distance threshold");
    }
    int[] start = new int[n + 1];
    for (int k = 0; k < edges.size(); k++) {
      start[edges.a(k) + 1]++;
      start[edges.b(k) + 1]++;
    }
    for (int i = 0; i < n; i++) start[i + 1] += start[i];
    int[] fill = java.util.Arrays.copyOf(start, n);
    int[] nb = new int[(int) m2];
    float[] dist = new float[(int) m2];
    for (int k = 0; k < edges.size(); k++) {
      int a = edges.a(k);
      int b = edges.b(k);
      float d = edges.d(k);
      nb[fill[a]] = b;
      dist[fill[a]++] = d;
      nb[fill[b]] = a;
      dist[fill[b]++] = d;
    }
    // sort each row by neighbour index so results never depend on thread timing
    for (int i = 0; i < n; i++) sortRow(nb, dist, start[i], start[i + 1]);
    return new NeighbourGraph(n, radius, start, nb, dist);
  }

  private static void sortRow(int[] nb, float[] dist, int from, int to) {
    if (to - from > 32) {
      sortLong(nb, dist, from, to);
      return;
    }
    for (int i = from + 1; i < to; i++) { // insertion sort for short rows
      int key = nb[i];
      float kd = dist[i];
      int j = i - 1;
      while (j >= from && nb[j] > key) {
        nb[j + 1] = nb[j];
        dist[j + 1] = dist[j];
        j--;
      }
      nb[j + 1] = key;
      dist[j + 1] = kd;
    }
  }

  private static void sortLong(int[] nb, float[] dist, int from, int to) {
    long[] packed = new long[to - from];
    for (int i = from; i < to; i++) packed[i - from] = ((long) nb[i] << 32) | (Float.floatToRawIntBits(dist[i]) & 0xffffffffL);
    java.util.Arrays.sort(packed);
    for (int i = from; i < to; i++) {
      nb[i] = (int) (packed[i - from] >>> 32);
      dist[i] = Float.intBitsToFloat((int) packed[i - from]);
    }
  }

  /** Number of points. */
  public int size() {
    return n;
  }

  /** The search radius: every pair closer than this is present. */
  public double radius() {
    return radius;
  }

  /** Number of undirected edges. */
  public long edgeCount() {
    return neighbours.length / 2;
  }

  /** First index into {@link #neighbour}/{@link #distance} of point {@code i}'s row. */
  public int start(int i) {
    return start[i];
  }

  /** One past the last index of point {@code i}'s row. */
  public int end(int i) {
    return start[i + 1];
  }

  public int degree(int i) {
    return start[i + 1] - start[i];
  }

  /** The neighbour at position {@code k} (between {@link #start} and {@link #end} of its row). */
  public int neighbour(int k) {
    return neighbours[k];
  }

  /** The Euclidean distance at position {@code k}. */
  public float distance(int k) {
    return distances[k];
  }
}
