package org.facenet.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.facenet.progress.ProgressListener;

/**
 * Exact radius search by blocked all-pairs distances. The rows are cut into tiles of {@link #TILE} rows; each
 * pair of tiles is one task for a pool of threads, which computes the tile's dot products (float, through a
 * {@link TileKernel}), turns them into squared distances {@code |a|^2 + |b|^2 - 2 a.b}, and re-checks every
 * candidate within the radius (plus a rounding margin) in double, so the edges found are exactly those of a
 * double-precision search. Memory is the embeddings, one tile of scratch per thread, and the edges found.
 *
 * <p>Cost is {@code n^2 / 2 * dim} multiply-adds: about 2.6e12 for 100,000 x 512, which is why the tile kernel
 * matters. Past a million embeddings (2.6e14 multiply-adds) an exact search is hours; use
 * {@link PartitionedNeighbourSearch} (k-means cells, about 1 % of the work at a million) instead.
 */
public final class BlockedNeighbourSearch implements NeighbourSearch {

  /** Rows per tile. */
  public static final int TILE = 256;

  private final int threads;
  private final long maxEdges;
  private final TileKernel kernel;

  /** All available processors, the default kernel and an edge budget from the heap size. */
  public BlockedNeighbourSearch() {
    this(Runtime.getRuntime().availableProcessors());
  }

  public BlockedNeighbourSearch(int threads) {
    this(threads, defaultMaxEdges(), TileKernel.best());
  }

  /**
   * @param threads worker threads (at least 1)
   * @param maxEdges the search fails with a clear message when more pairs than this fall within the radius (each
   *     costs about 36 bytes while the graph is built)
   * @param kernel computes the tiles' dot products
   */
  public BlockedNeighbourSearch(int threads, long maxEdges, TileKernel kernel) {
    if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    this.threads = threads;
    this.maxEdges = maxEdges;
    this.kernel = kernel;
  }

  /** A budget of a third of the maximum heap at ~36 bytes an edge. */
  public static long defaultMaxEdges() {
    return Math.min(Integer.MAX_VALUE / 2 - 16, Runtime.getRuntime().maxMemory() / 3 / 36);
  }

  @Override
  public NeighbourGraph radiusGraph(Embeddings e, double radius, ProgressListener progress) {
    int n = e.size();
    int dim = e.dim();
    float[] x = e.data();
    double[] sq = squaredNorms(e);
    double margin = floatMargin(dim);
    int blocks = (n + TILE - 1) / TILE;
    long tasks = (long) blocks * (blocks + 1) / 2;
    AtomicLong next = new AtomicLong();
    AtomicLong found = new AtomicLong();
    AtomicLong finished = new AtomicLong();
    int workers = (int) Math.min(threads, tasks);
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "neighbour-search");
      t.setDaemon(true);
      return t;
    });
    List<Future<EdgeList>> futures = new ArrayList<>();
    try {
      for (int w = 0; w < workers; w++) {
        futures.add(pool.submit(() -> {
          EdgeList edges = new EdgeList();
          float[] dots = new float[TILE * TILE];
          TileKernel.Scratch scratch = kernel.scratch(TILE, dim);
          long t;
          while ((t = next.getAndIncrement()) < tasks) {
            // task t -> block pair (bi <= bj), row by row of the upper triangle
            int bi = (int) ((Math.sqrt(8.0 * t + 1) - 1) / 2);
            while ((long) (bi + 1) * (bi + 2) / 2 <= t) bi++;
            while ((long) bi * (bi + 1) / 2 > t) bi--;
            int bj = (int) (t - (long) bi * (bi + 1) / 2); // 0..bi
            int i0 = bj * TILE; // swap so i0 <= j0
            int j0 = bi * TILE;
            int ni = Math.min(TILE, n - i0);
            int nj = Math.min(TILE, n - j0);
            kernel.dots(x, i0, ni, x, j0, nj, dim, dots, scratch);
            int before = edges.size();
            scan(e, sq, radius, margin, i0, ni, j0, nj, dots, edges);
            progress.progress(finished.incrementAndGet(), tasks);
            if (found.addAndGet(edges.size() - before) > maxEdges) {
              throw new IllegalArgumentException(String.format(
                  "more than %,d pairs of embeddings lie within distance %.4f; the neighbour graph would not fit in the "
                      + "heap: lower the threshold (or raise -Xmx)", maxEdges, radius));
            }
          }
          return edges;
        }));
      }
      EdgeList all = null;
      for (Future<EdgeList> f : futures) {
        EdgeList part = await(f);
        if (all == null) all = part;
        else all.addAll(part);
      }
      return NeighbourGraph.fromEdges(n, radius, all);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The result of a worker's task; its exception is rethrown as is (unchecked) or wrapped. */
  static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", ex);
    } catch (ExecutionException ex) {
      if (ex.getCause() instanceof RuntimeException re) throw re;
      if (ex.getCause() instanceof Error err) throw err;
      throw new IllegalStateException(ex.getCause());
    }
  }

  /**
   * Adds the pairs of a tile within {@code radius}: a pair is a candidate when its squared distance from the
   * tile's dot products is within {@code r^2 + margin * (|a|^2 + |b|^2)} (margin bounds the dot products' rounding
   * error), and an edge when its exact double-precision distance is within the radius.
   */
  static void scan(Embeddings e, double[] sq, double radius, double margin, int i0, int ni, int j0, int nj,
      float[] dots, EdgeList edges) {
    scanRows(e, sq, radius, margin, i0, 0, ni, j0, nj, dots, edges);
  }

  /** {@link #scan} for tile rows {@code [aFrom, aTo)} only. */
  static void scanRows(Embeddings e, double[] sq, double radius, double margin, int i0, int aFrom, int aTo, int j0,
      int nj, float[] dots, EdgeList edges) {
    // candidate iff |a|^2 + |b|^2 - 2 a.b <= r^2 + margin (|a|^2 + |b|^2), i.e. a.b - hj >= hi with the terms below;
    // compared in float (fast), so the margin grows by 1e-6 to cover float rounding of hi and hj
    double m = margin + 1e-6;
    double r2 = radius * radius;
    float[] hj = new float[nj];
    for (int b = 0; b < nj; b++) hj[b] = (float) ((1 - m) * sq[j0 + b] / 2);
    for (int a = aFrom; a < aTo; a++) {
      int i = i0 + a;
      float hi = (float) (((1 - m) * sq[i] - r2 * (1 + 1e-6) - 1e-12) / 2);
      int from = i0 == j0 ? a + 1 : 0;
      int row = a * nj;
      for (int b = from; b < nj; b++) {
        if (dots[row + b] - hj[b] >= hi) {
          int j = j0 + b;
          double d = e.distance(i, j);
          if (d <= radius) edges.add(i, j, (float) d);
        }
      }
    }
  }

  /**
   * The rounding margin for float dot products of {@code dim} terms: each product and partial sum errs by at most
   * 2^-24 relative, so |error| <= dim * 2^-24 * |a||b| <= dim * 2^-25 * (|a|^2 + |b|^2); doubled, since the dot
   * product enters the squared distance twice.
   */
  static double floatMargin(int dim) {
    return Math.max(1e-5, dim * Math.pow(2, -24));
  }

  /** Squared norms of all rows, in double. */
  static double[] squaredNorms(Embeddings e) {
    int n = e.size();
    int dim = e.dim();
    float[] x = e.data();
    double[] sq = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = 0; k < dim; k++) s += (double) x[i * dim + k] * x[i * dim + k];
      sq[i] = s;
    }
    return sq;
  }
}
