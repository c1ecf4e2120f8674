package org.facenet.cluster;

/** Dense distance blocks through the fast tile kernel. */
final class Distances {

  private Distances() {}

  /**
   * Euclidean distances from the given rows to all rows: {@code rows.length x n}, row-major. The vectors are
   * centred first (distances do not change) so that {@code |a|^2 + |b|^2 - 2 a.b} loses little to cancellation.
   */
  static float[] fromRows(Embeddings e, int[] rows) {
    int n = e.size();
    int dim = e.dim();
    float[] x = centred(e);
    if ((long) rows.length * n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("sample too large");
    float[] a = new float[rows.length * dim];
    for (int s = 0; s < rows.length; s++) System.arraycopy(x, rows[s] * dim, a, s * dim, dim);
    double[] sq = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = 0; k < dim; k++) s += (double) x[i * dim + k] * x[i * dim + k];
      sq[i] = s;
    }
    float[] out = new float[rows.length * n];
    int tile = BlockedNeighbourSearch.TILE;
    TileKernel kernel = TileKernel.best();
    int blocks = (n + tile - 1) / tile;
    java.util.stream.IntStream.range(0, blocks).parallel().forEach(bj -> {
      TileKernel.Scratch scratch = kernel.scratch(tile, dim);
      float[] dots = new float[tile * tile];
      int j0 = bj * tile;
      int nj = Math.min(tile, n - j0);
      for (int i0 = 0; i0 < rows.length; i0 += tile) {
        int ni = Math.min(tile, rows.length - i0);
        kernel.dots(a, i0, ni, x, j0, nj, dim, dots, scratch);
        for (int p = 0; p < ni; p++) {
          double si = sq[rows[i0 + p]];
          for (int q = 0; q < nj; q++) {
            double d2 = si + sq[j0 + q] - 2.0 * dots[p * nj + q];
            out[(i0 + p) * n + j0 + q] = j0 + q == rows[i0 + p] ? 0f : (float) Math.sqrt(Math.max(0, d2));
          }
        }
      }
    });
    return out;
  }

  private static float[] centred(Embeddings e) {
    int n = e.size();
    int dim = e.dim();
    float[] x = e.data();
    double[] mean = new double[dim];
    for (int i = 0; i < n; i++) for (int k = 0; k < dim; k++) mean[k] += x[i * dim + k];
    float[] c = new float[x.length];
    for (int k = 0; k < dim; k++) mean[k] /= n;
    for (int i = 0; i < n; i++) for (int k = 0; k < dim; k++) c[i * dim + k] = (float) (x[i * dim + k] - mean[k]);
    return c;
  }
}
