package org.facenet.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.facenet.progress.ProgressListener;
import org.facenet.runtime.Precision;
import org.tensorflow.types.TFloat32;

/**
 * Approximate radius search for millions of embeddings, by partitioning (an inverted-file index, as FAISS's IVF):
 * k-means on a sample cuts the space into {@code cells} cells (default {@code 2 sqrt(n)}); every point lives in the
 * cell of its nearest centre and is compared only with the points of the {@code probes} cells whose centres are
 * nearest to it. The comparisons are dense blocks (the queries that probe a cell against the cell's points), done
 * by the same TensorFlow GEMM as {@link TensorFlowNeighbourSearch} and re-checked exactly in double, so every edge
 * found is a true one; a pair is missed only when neither point probes the other's cell.
 *
 * <p>This is how clustering goes past a million embeddings: the work is about {@code n * probes * n / cells * dim}
 * multiply-adds, i.e. {@code probes / cells} of the exact search (0.5 % at a million with the defaults; uneven
 * cells, and "hub" cells that many points probe, make it 1.5-2.5 times that in practice), and memory is linear:
 * the embeddings, {@code n * probes} ints and the edges. Identities are tight groups far smaller than a cell, so nearly all of a face's neighbours share its
 * cell or a neighbouring one (on 100,000 synthetic identity-like blobs it found 2,449,994 of the 2,450,000 pairs);
 * on structureless data with a radius through its bulk recall drops (about 0.9 in the unit test). Raise
 * {@code probes} for higher recall at proportional cost; with {@code probes >= cells} it is the exact search.
 */
public final class PartitionedNeighbourSearch implements NeighbourSearch {

  public static final int DEFAULT_PROBES = 10;
  private static final int KMEANS_ITERATIONS = 10;
  private static final int SAMPLE_PER_CELL = 40;
  private static final int CHUNK = 4096;
  /** -Dfacenet.cluster.verbose=true prints the partition's statistics and timings on stderr. */
  private static final boolean VERBOSE = Boolean.getBoolean("facenet.cluster.verbose");

  private final int threads;
  private final int cells;
  private final int probes;
  private final Precision precision;
  private final long maxEdges;
  private final long seed;

  /**
   * @param cells number of k-means cells, 0 for {@code round(2 sqrt(n))}
   * @param probes cells each point is compared with (its own and the next nearest)
   * @param precision arithmetic of the GEMM inputs (see {@link TensorFlowNeighbourSearch})
   */
  public PartitionedNeighbourSearch(int threads, int cells, int probes, Precision precision, long seed) {
    if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    if (cells < 0) throw new IllegalArgumentException("cells must be >= 0, got " + cells);
    if (probes < 1) throw new IllegalArgumentException("probes must be at least 1, got " + probes);
    this.threads = threads;
    this.cells = cells;
    this.probes = probes;
    this.precision = java.util.Objects.requireNonNull(precision, "precision");
    this.maxEdges = BlockedNeighbourSearch.defaultMaxEdges();
    this.seed = seed;
  }

  @Override
  public NeighbourGraph radiusGraph(Embeddings e, double radius, ProgressListener progress) {
    int n = e.size();
    int dim = e.dim();
    int c = cells > 0 ? Math.min(cells, n) : Math.max(1, (int) Math.round(2 * Math.sqrt(n)));
    if (probes >= c) {
      return new TensorFlowNeighbourSearch(threads, maxEdges, precision).radiusGraph(e, radius, progress);
    }
    float[] x = e.data();
    double[] sq = BlockedNeighbourSearch.squaredNorms(e);
    ExecutorService pool = TensorFlowNeighbourSearch.newPool(threads, "partition-scan");
    try (TensorFlowDots gemm = new TensorFlowDots(dim, threads, precision)) {
      long t0 = System.nanoTime();
      float[] centres = kmeans(gemm, x, n, dim, c);
      long t1 = System.nanoTime();
      int[] probe = nearestCentres(gemm, x, n, dim, centres, c, probes); // n x probes, nearest first
      long t2 = System.nanoTime();
      // members[cell]: points whose nearest centre it is; queries[cell]: points that probe it
      int[][] members = group(n, c, probe, 1);
      int[][] queries = group(n, c, probe, probes);
      double margin = TensorFlowDots.margin(precision, dim);
      LongList pairs = new LongList();
      float[] dots = new float[0];
      for (int cell = 0; cell < c; cell++) {
        progress.progress(cell, c);
        int[] d = members[cell];
        if (d.length == 0) continue;
        float[] dRows = gather(x, dim, d, 0, d.length);
        try (TFloat32 td = gemm.rows(dRows, 0, d.length)) {
          int[] q = queries[cell];
          for (int q0 = 0; q0 < q.length; q0 += CHUNK) {
            int nq = Math.min(CHUNK, q.length - q0);
            if (dots.length < nq * d.length) dots = new float[nq * d.length];
            try (TFloat32 tq = gemm.rows(gather(x, dim, q, q0, nq), 0, nq)) {
              gemm.dots(tq, td, dots);
            }
            scan(pool, e, sq, radius, margin, q, q0, nq, d, dots, pairs);
            if (pairs.size() > 2 * maxEdges) throw TensorFlowNeighbourSearch.tooMany(maxEdges, radius);
          }
        }
      }
      if (VERBOSE) {
        long work = 0;
        int largest = 0;
        for (int cell = 0; cell < c; cell++) {
          work += (long) members[cell].length * queries[cell].length;
          largest = Math.max(largest, members[cell].length);
        }
        System.err.printf("partitioned search: %d cells (largest %d points), k-means %.1f s, probes %.1f s, blocks %.1f s;"
            + " %.3g pairs compared = %.2f%% of all pairs%n", c, largest, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
            (System.nanoTime() - t2) / 1e9, (double) work, 100.0 * work / ((double) n * n));
      }
      progress.progress(c, c);
      long[] all = pairs.toSortedArray();
      EdgeList edges = new EdgeList();
      long prev = -1;
      for (long p : all) {
        if (p == prev) continue;
        prev = p;
        int i = (int) (p >>> 32);
        int j = (int) p;
        edges.add(i, j, (float) e.distance(i, j));
      }
      if (edges.size() > maxEdges) throw TensorFlowNeighbourSearch.tooMany(maxEdges, radius);
      return NeighbourGraph.fromEdges(n, radius, edges);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Lloyd's k-means on a random sample; centres start at random sample points. */
  private float[] kmeans(TensorFlowDots tf, float[] x, int n, int dim, int c) {
    Random rnd = new Random(seed);
    int s = (int) Math.min(n, (long) c * SAMPLE_PER_CELL);
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) perm[i] = i;
    for (int i = 0; i < s; i++) {
      int j = i + rnd.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] sample = Arrays.copyOf(perm, s);
    float[] sx = gather(x, dim, sample, 0, s);
    float[] centres = Arrays.copyOf(sx, c * dim); // the first c sample points, already in random order
    for (int it = 0; it < KMEANS_ITERATIONS; it++) {
      int[] assign = nearestCentres(tf, sx, s, dim, centres, c, 1);
      double[] sum = new double[c * dim];
      int[] count = new int[c];
      for (int i = 0; i < s; i++) {
        int a = assign[i];
        count[a]++;
        for (int k = 0; k < dim; k++) sum[a * dim + k] += sx[i * dim + k];
      }
      for (int a = 0; a < c; a++) {
        if (count[a] == 0) { // an empty cell restarts at a random sample point
          System.arraycopy(sx, rnd.nextInt(s) * dim, centres, a * dim, dim);
          continue;
        }
        for (int k = 0; k < dim; k++) centres[a * dim + k] = (float) (sum[a * dim + k] / count[a]);
      }
    }
    return centres;
  }

  /** For each of the {@code n} rows, its {@code p} nearest centres (Euclidean), nearest first. */
  private static int[] nearestCentres(TensorFlowDots tf, float[] x, int n, int dim, float[] centres, int c, int p) {
    float[] half = new float[c];
    for (int a = 0; a < c; a++) {
      double s = 0;
      for (int k = 0; k < dim; k++) s += (double) centres[a * dim + k] * centres[a * dim + k];
      half[a] = (float) (s / 2);
    }
    int[] out = new int[n * p];
    float[] dots = new float[Math.min(CHUNK, n) * c];
    float[] best = new float[p];
    try (TFloat32 tc = tf.rows(centres, 0, c)) {
      for (int i0 = 0; i0 < n; i0 += CHUNK) {
        int ni = Math.min(CHUNK, n - i0);
        try (TFloat32 ti = tf.rows(x, i0, ni)) {
          tf.dots(ti, tc, dots);
        }
        for (int r = 0; r < ni; r++) {
          // largest dot - |c|^2/2 = smallest distance; insertion into a short sorted list
          Arrays.fill(best, Float.NEGATIVE_INFINITY);
          int o = (i0 + r) * p;
          for (int a = 0; a < c; a++) {
            float v = dots[r * c + a] - half[a];
            if (v <= best[p - 1]) continue;
            int pos = p - 1;
            while (pos > 0 && best[pos - 1] < v) {
              best[pos] = best[pos - 1];
              out[o + pos] = out[o + pos - 1];
              pos--;
            }
            best[pos] = v;
            out[o + pos] = a;
          }
        }
      }
    }
    return out;
  }

  /** Points by cell: each point goes to the cells among the first {@code use} of its probes. */
  private int[][] group(int n, int c, int[] probe, int use) {
    int[] count = new int[c];
    for (int i = 0; i < n; i++) for (int q = 0; q < use; q++) count[probe[i * probes + q]]++;
    int[][] g = new int[c][];
    for (int a = 0; a < c; a++) g[a] = new int[count[a]];
    int[] fill = new int[c];
    for (int i = 0; i < n; i++) {
      for (int q = 0; q < use; q++) {
        int a = probe[i * probes + q];
        g[a][fill[a]++] = i;
      }
    }
    return g;
  }

  private static float[] gather(float[] x, int dim, int[] idx, int from, int count) {
    float[] out = new float[count * dim];
    for (int r = 0; r < count; r++) System.arraycopy(x, idx[from + r] * dim, out, r * dim, dim);
    return out;
  }

  /** Candidate pairs of a (queries x cell members) block, checked exactly, as packed (min, max) longs. */
  private void scan(ExecutorService pool, Embeddings e, double[] sq, double radius, double margin, int[] q, int q0,
      int nq, int[] d, float[] dots, LongList out) {
    int parts = Math.min(threads * 4, nq);
    double r2 = radius * radius;
    List<Future<LongList>> futures = new ArrayList<>(parts);
    for (int p = 0; p < parts; p++) {
      int from = (int) ((long) nq * p / parts);
      int to = (int) ((long) nq * (p + 1) / parts);
      futures.add(pool.submit(() -> {
        LongList found = new LongList();
        for (int r = from; r < to; r++) {
          int i = q[q0 + r];
          double si = sq[i];
          int row = r * d.length;
          for (int b = 0; b < d.length; b++) {
            int j = d[b];
            if (j == i) continue;
            double d2 = si + sq[j] - 2.0 * dots[row + b];
            if (d2 <= r2 + margin * (si + sq[j]) + 1e-12 && e.distance(i, j) <= radius) {
              found.add(((long) Math.min(i, j) << 32) | Math.max(i, j));
            }
          }
        }
        return found;
      }));
    }
    for (Future<LongList> f : futures) out.addAll(BlockedNeighbourSearch.await(f));
  }

  /** A growable long array. */
  static final class LongList {
    private long[] a = new long[256];
    private int size;

    void add(long v) {
      if (size == a.length) a = Arrays.copyOf(a, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * size));
      a[size++] = v;
    }

    void addAll(LongList o) {
      if (size + o.size > a.length) a = Arrays.copyOf(a, (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(2L * a.length, (long) size + o.size)));
      System.arraycopy(o.a, 0, a, size, o.size);
      size += o.size;
    }

    int size() {
      return size;
    }

    long[] toSortedArray() {
      long[] r = Arrays.copyOf(a, size);
      Arrays.sort(r);
      return r;
    }
  }
}
