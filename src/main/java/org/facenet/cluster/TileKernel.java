package org.facenet.cluster;

/**
 * Dot products of a tile: {@code out[a * nj + b] = xa[i0 + a] . xb[j0 + b]} for rows of {@code dim} floats in
 * row-major arrays. Implementations must be thread-safe given one {@link Scratch} per thread.
 */
public interface TileKernel {

  /** Per-thread working memory. */
  interface Scratch {}

  /** Working memory for tiles of at most {@code tile} columns. */
  Scratch scratch(int tile, int dim);

  void dots(float[] xa, int i0, int ni, float[] xb, int j0, int nj, int dim, float[] out, Scratch scratch);

  /** The fastest kernel available. */
  static TileKernel best() {
    return new JavaTileKernel();
  }
}
