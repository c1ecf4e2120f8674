package org.facenet.cluster;

import java.util.Arrays;

/** A growable list of undirected edges (a, b, distance) in primitive arrays. */
public final class EdgeList {

  private int[] a = new int[1024];
  private int[] b = new int[1024];
  private float[] d = new float[1024];
  private int size;

  public void add(int i, int j, float dist) {
    if (size == a.length) {
      int cap = (int) Math.min(Integer.MAX_VALUE - 8L, a.length * 2L);
      if (cap == size) throw new IllegalStateException("edge list full");
      a = Arrays.copyOf(a, cap);
      b = Arrays.copyOf(b, cap);
      d = Arrays.copyOf(d, cap);
    }
    a[size] = i;
    b[size] = j;
    d[size] = dist;
    size++;
  }

  public void addAll(EdgeList other) {
    for (int k = 0; k < other.size; k++) add(other.a[k], other.b[k], other.d[k]);
  }

  public int size() {
    return size;
  }

  public int a(int k) {
    return a[k];
  }

  public int b(int k) {
    return b[k];
  }

  public float d(int k) {
    return d[k];
  }
}
