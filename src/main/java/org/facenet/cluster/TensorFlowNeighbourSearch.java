package org.facenet.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.facenet.progress.ProgressListener;
import org.facenet.runtime.Precision;
import org.tensorflow.types.TFloat32;

/**
 * Exact radius search like {@link BlockedNeighbourSearch}, but the tiles' dot products are one TensorFlow
 * {@code MatMul} per pair of {@value #TILE}-row tiles (oneDNN/Eigen GEMM on all cores, or a GPU when TensorFlow
 * sees one), which is several times faster than plain Java. TensorFlow is already this project's dependency.
 *
 * <p>{@link Precision#BFLOAT16} multiplies bfloat16 copies of the vectors (8 significant bits) with float
 * accumulation; on CPUs with AVX512-BF16 (AMD Zen 4, Intel Sapphire Rapids) that is about twice as fast again.
 * Its rounding is bounded: each product errs by at most ~2^-7 of |a_k b_k|, so the dot product by at most
 * {@code 2^-6 |a||b|}, and every pair within the radius plus that bound is re-checked in double. The edges found
 * are therefore the same as with float; only more candidates are re-checked.
 *
 * <p>The search is exact and quadratic: n = 100,000 at 512-D is 2.6e12 multiply-adds. Past a million
 * embeddings (2.6e14; about 40 minutes on two Zen 4 cores in bfloat16, extrapolated from 22 s at 100,000) use
 * {@link PartitionedNeighbourSearch}, which runs the same GEMM on k-means cells and compares about 1 % of the pairs
 * (one million measured in 6 minutes on the same two cores).
 */
public final class TensorFlowNeighbourSearch implements NeighbourSearch {

  /** Rows per tile: a 4096 x 4096 float tile of dot products is 64 MB. */
  public static final int TILE = 4096;

  private final int threads;
  private final long maxEdges;
  private final Precision precision;
  private final int tile;

  public TensorFlowNeighbourSearch(int threads, Precision precision) {
    this(threads, BlockedNeighbourSearch.defaultMaxEdges(), precision);
  }

  public TensorFlowNeighbourSearch(int threads, long maxEdges, Precision precision) {
    this(threads, maxEdges, precision, TILE);
  }

  TensorFlowNeighbourSearch(int threads, long maxEdges, Precision precision, int tile) {
    if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    this.threads = threads;
    this.maxEdges = maxEdges;
    this.precision = precision;
    this.tile = tile;
  }

  @Override
  public NeighbourGraph radiusGraph(Embeddings e, double radius, ProgressListener progress) {
    int n = e.size();
    int dim = e.dim();
    float[] x = e.data();
    double[] sq = BlockedNeighbourSearch.squaredNorms(e);
    double margin = TensorFlowDots.margin(precision, dim);
    int tile = Math.min(this.tile, n);
    float[] dots = new float[tile * tile];
    EdgeList all = new EdgeList();
    ExecutorService pool = newPool(threads, "neighbour-scan");
    try (TensorFlowDots tf = new TensorFlowDots(dim, threads, precision)) {
      int blocks = (n + tile - 1) / tile;
      long tasks = (long) blocks * (blocks + 1) / 2;
      long finished = 0;
      for (int bi = 0; bi < blocks; bi++) {
        int i0 = bi * tile;
        int ni = Math.min(tile, n - i0);
        try (TFloat32 ta = tf.rows(x, i0, ni)) {
          for (int bj = bi; bj < blocks; bj++) {
            int j0 = bj * tile;
            int nj = Math.min(tile, n - j0);
            if (bj == bi) {
              tf.dots(ta, ta, dots);
            } else {
              try (TFloat32 tb = tf.rows(x, j0, nj)) {
                tf.dots(ta, tb, dots);
              }
            }
            scanParallel(pool, threads, e, sq, radius, margin, i0, ni, j0, nj, dots, all);
            if (all.size() > maxEdges) throw tooMany(maxEdges, radius);
            progress.progress(++finished, tasks);
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return NeighbourGraph.fromEdges(n, radius, all);
  }

  static IllegalArgumentException tooMany(long maxEdges, double radius) {
    return new IllegalArgumentException(String.format("more than %,d pairs of embeddings lie within distance %.4f; the "
        + "neighbour graph would not fit in the heap: lower the threshold (or raise -Xmx)", maxEdges, radius));
  }

  static ExecutorService newPool(int threads, String name) {
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  static void scanParallel(ExecutorService pool, int threads, Embeddings e, double[] sq, double radius, double margin, int i0,
      int ni, int j0, int nj, float[] dots, EdgeList all) {
    int parts = Math.min(threads * 4, ni);
    List<Future<EdgeList>> futures = new ArrayList<>(parts);
    for (int p = 0; p < parts; p++) {
      int from = (int) ((long) ni * p / parts);
      int to = (int) ((long) ni * (p + 1) / parts);
      futures.add(pool.submit(() -> {
        EdgeList part = new EdgeList();
        BlockedNeighbourSearch.scanRows(e, sq, radius, margin, i0, from, to, j0, nj, dots, part);
        return part;
      }));
    }
    for (Future<EdgeList> f : futures) all.addAll(BlockedNeighbourSearch.await(f));
  }
}
