package org.facenet.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Answers "which eps / threshold?": clusters at every value of a grid from one neighbour graph (built once at the
 * largest radius the grid needs) and scores each result.
 *
 * <ul>
 *   <li>With identity labels: pairwise F1 and BCubed F against them ({@link ClusterQuality}); the suggestion is
 *       the best BCubed F (ties: pairwise F1), and the best pairwise F1 is reported too.
 *   <li>When a run of neighbouring values share the best score, the middle of the run is suggested.
 *   <li>Without labels: the mean silhouette coefficient (Rousseeuw 1987) in the space the algorithm clusters in
 *       (Euclidean distance; L2-normalised vectors for Chinese whispers), with noise points and singletons scoring
 *       0 as in scikit-learn's {@code silhouette_samples} for one-member clusters. It is computed exactly for a
 *       seeded random sample of the points (against all n points), so it costs {@code sample x n x dim}; the sample
 *       shrinks below the requested size when {@code sample x n} would pass 50 million (200 MB of distances).
 * </ul>
 */
public final class ThresholdScan {

  /** One value of the grid. */
  public record Row(double threshold, int clusters, int noise, ClusterQuality quality, double silhouette) {}

  /**
   * All rows and the suggestion. When every value of the grid scores the same ({@code flat} says how, e.g. "every
   * value gives 1 cluster(s) and 0 noise"), there is no best value: {@code best} is only the middle of the grid and
   * {@code proposal} a range {@code {from, to, step}} worth scanning instead (null when the embeddings are all alike).
   */
  public record Result(List<Row> rows, Row best, Row bestByPairF1, String criterion, String flat, double[] proposal) {
    /** Whether every value scored the same, so that the scan suggests nothing. */
    public boolean isFlat() {
      return flat != null;
    }

    /** The proposal as {@code FROM:TO:STEP} for {@code --suggest-range}, or null. */
    public String proposalRange() {
      return proposal == null ? null
          : String.format(java.util.Locale.ROOT, "%s:%s:%s", plain(proposal[0]), plain(proposal[1]), plain(proposal[2]));
    }

    /** A text table for the terminal. */
    public String table(String parameter) {
      StringBuilder sb = new StringBuilder();
      boolean labels = best.quality() != null;
      int w = Math.max(10, parameter.length());
      sb.append(String.format("%-" + w + "s %9s %7s", parameter, "clusters", "noise"));
      sb.append(labels ? String.format(" %9s %9s %9s %9s %7s%n", "pair-P", "pair-R", "pair-F1", "BCubed-F", "NMI")
          : String.format(" %10s%n", "silhouette"));
      for (Row r : rows) {
        sb.append(String.format("%-" + w + ".4f %9d %7d", r.threshold(), r.clusters(), r.noise()));
        if (labels) {
          ClusterQuality q = r.quality();
          sb.append(String.format(" %9.4f %9.4f %9.4f %9.4f %7.4f", q.pairPrecision(), q.pairRecall(), q.pairF1(),
              q.bcubedF(), q.nmi()));
        } else {
          sb.append(String.format(" %10.4f", r.silhouette()));
        }
        sb.append(r == best && !isFlat() ? "  <- best" : "").append('\n');
      }
      if (isFlat()) {
        sb.append(String.format("the scan is flat: %s, so no %s is better than another%s%n", flat, parameter,
            proposal == null ? "" : "; scan --suggest-range " + proposalRange() + " instead"));
      } else if (labels) {
        sb.append(String.format("suggested %s %.4f (best BCubed F %.4f); best pairwise F1 %.4f at %.4f%n", parameter,
            best.threshold(), best.quality().bcubedF(), bestByPairF1.quality().pairF1(), bestByPairF1.threshold()));
      } else {
        sb.append(String.format("suggested %s %.4f (best mean silhouette %.4f; %s)%n", parameter, best.threshold(),
            best.silhouette(), criterion));
      }
      return sb.toString();
    }
  }

  private ThresholdScan() {}

  /** The default grid: eps 0.50..1.20 for DBSCAN, similarity 0.30..0.90 for Chinese whispers, 0.50..1.30 for agglomerative. */
  public static double[] defaultGrid(Clusterer c) {
    if (c instanceof ChineseWhispers) return grid(0.30, 0.90, 0.05);
    if (c instanceof Agglomerative) return grid(0.50, 1.30, 0.05);
    return grid(0.50, 1.20, 0.05);
  }

  /** {@code from, from + step, ..., to} (to included when on the grid). */
  public static double[] grid(double from, double to, double step) {
    if (!(step > 0) || to < from) throw new IllegalArgumentException("scan range needs from <= to and step > 0");
    int count = (int) Math.floor((to - from) / step + 1e-9) + 1;
    double[] g = new double[count];
    for (int i = 0; i < count; i++) g[i] = Math.round((from + i * step) * 1e9) / 1e9;
    return g;
  }

  /**
   * Runs the scan.
   *
   * @param useLabels score against the labels (they must be present) rather than by silhouette
   * @param sample points whose silhouette is computed when there are no labels
   */
  public static Result run(Clusterer base, Embeddings embeddings, double[] grid, NeighbourSearch search,
      boolean useLabels, int sample, long seed) {
    return run(base, embeddings, grid, search, useLabels, sample, seed, org.facenet.progress.ProgressListener.NONE);
  }

  /** As above; {@code searchProgress} follows the neighbour search, the scan's longest part on large inputs. */
  public static Result run(Clusterer base, Embeddings embeddings, double[] grid, NeighbourSearch search,
      boolean useLabels, int sample, long seed, org.facenet.progress.ProgressListener searchProgress) {
    if (grid.length == 0) throw new IllegalArgumentException("empty scan grid");
    Embeddings space = base.normalises() ? embeddings.normalised() : embeddings;
    double radius = 0;
    List<Clusterer> variants = new ArrayList<>();
    for (double t : grid) {
      Clusterer c = base.withThreshold(t);
      variants.add(c);
      radius = Math.max(radius, c.radius());
    }
    NeighbourGraph graph = search.radiusGraph(space, radius, searchProgress);
    Silhouette sil = useLabels ? null : new Silhouette(space, sample, seed);
    List<Row> rows = new ArrayList<>();
    Row best = null;
    Row bestF1 = null;
    for (int i = 0; i < grid.length; i++) {
      Clustering c = variants.get(i).cluster(space, graph);
      Row r;
      if (useLabels) {
        ClusterQuality q = ClusterQuality.of(c, embeddings.labels());
        r = new Row(grid[i], c.clusterCount(), c.noiseCount(), q, Double.NaN);
        if (best == null || q.bcubedF() > best.quality().bcubedF()
            || (q.bcubedF() == best.quality().bcubedF() && q.pairF1() > best.quality().pairF1())) {
          best = r;
        }
        if (bestF1 == null || q.pairF1() > bestF1.quality().pairF1()) bestF1 = r;
      } else {
        r = new Row(grid[i], c.clusterCount(), c.noiseCount(), null, sil.mean(c));
        if (best == null || r.silhouette() > best.silhouette()) best = r;
      }
      rows.add(r);
    }
    best = middleOfPlateau(rows, best, useLabels);
    if (useLabels) bestF1 = middleOfPlateau(rows, bestF1, true, true);
    String criterion = useLabels ? "BCubed F against the labels"
        : "mean silhouette, Euclidean" + (base.normalises() ? " on L2-normalised vectors" : "") + ", over "
            + sil.sampleSize() + " sampled point(s); noise and singletons score 0";
    String flat = flatness(rows, useLabels, embeddings.size());
    if (flat != null) best = rows.get(rows.size() / 2);
    double[] proposal = flat == null ? null : propose(space, base instanceof ChineseWhispers, seed);
    return new Result(rows, best, useLabels ? bestF1 : best, criterion, flat, proposal);
  }

  /** How the scan is flat (every row the same score), or null when it is not (or has one row). */
  static String flatness(List<Row> rows, boolean labels, int n) {
    if (rows.size() < 2) return null;
    double s0 = score(rows.get(0), labels, false);
    for (Row r : rows) {
      if (!(Math.abs(score(r, labels, false) - s0) <= 1e-12)) return null;
    }
    Row first = rows.get(0);
    boolean sameCounts = rows.stream().allMatch(r -> r.clusters() == first.clusters() && r.noise() == first.noise());
    if (!sameCounts) return "every value scores " + String.format(java.util.Locale.ROOT, "%.4f", s0);
    if (first.clusters() == 1 && first.noise() == 0) return "every value puts all " + n + " faces in one cluster";
    if (first.clusters() == 0) return "every value leaves all " + n + " faces as noise";
    if (first.clusters() == n) return "every value leaves each of the " + n + " faces on its own";
    return "every value gives " + first.clusters() + " cluster(s) and " + first.noise() + " noise point(s)";
  }

  /** {@code m} distinct indices of 0..n-1 drawn at random with {@code seed} (a partial Fisher-Yates shuffle). */
  static int[] sample(int n, int m, long seed) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) perm[i] = i;
    Random rnd = new Random(seed);
    for (int i = 0; i < m; i++) {
      int j = i + rnd.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    return java.util.Arrays.copyOf(perm, m);
  }

  /**
   * A range worth scanning, from the distances in the algorithm's space of a seeded sample of up to 200 faces (fewer past
   * 100,000 faces, so that at most 20 million distances are computed): from
   * the 10th percentile of their nearest-neighbour distances (below it almost every face is alone) to the median of
   * their distances to all faces (a regular subsample of them past 2 million) (above it most faces are linked), in 14 steps; for a similarity the distances d of
   * unit vectors map to 1 - d^2 / 2. Null when the faces are all (nearly) alike.
   */
  static double[] propose(Embeddings space, boolean similarity, long seed) {
    int n = space.size();
    if (n < 2) return null;
    // at most 20 million distances (80 MB), and 2 million of them kept for the median
    int m = (int) Math.max(1, Math.min(Math.min(n, 200), 20_000_000L / n));
    int[] sample = sample(n, m, seed);
    float[] dist = Distances.fromRows(space, sample);
    double[] nearest = new double[m];
    long pairs = (long) m * (n - 1);
    int stride = (int) Math.max(1, pairs / 2_000_000);
    double[] all = new double[(int) ((pairs + stride - 1) / stride)];
    int a = 0;
    long k = 0;
    for (int s = 0; s < m; s++) {
      double best = Double.POSITIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        if (j == sample[s]) continue;
        double d = dist[s * n + j];
        if (k++ % stride == 0 && a < all.length) all[a++] = d;
        best = Math.min(best, d);
      }
      nearest[s] = best;
    }
    if (a < all.length) all = java.util.Arrays.copyOf(all, a);
    double lo = quantile(nearest, 0.1);
    double hi = quantile(all, 0.5);
    if (!(hi > 1e-6) || !(hi > lo)) return null;
    if (similarity) {
      double sLo = 1 - hi * hi / 2;
      double sHi = 1 - lo * lo / 2;
      lo = sLo;
      hi = sHi;
    }
    double step = round2(Math.max((hi - lo) / 14, 1e-4));
    double from = Math.floor(lo / step) * step;
    double to = Math.ceil(hi / step) * step;
    if (!similarity) from = Math.max(step, from);
    return new double[] {Math.round(from * 1e6) / 1e6, Math.round(to * 1e6) / 1e6, step};
  }

  private static double quantile(double[] v, double q) {
    double[] c = v.clone();
    java.util.Arrays.sort(c);
    return c[(int) Math.min(c.length - 1, Math.round(q * (c.length - 1)))];
  }

  /** {@code x} rounded to two significant digits. */
  private static double round2(double x) {
    return new java.math.BigDecimal(x).round(new java.math.MathContext(2)).doubleValue();
  }

  private static String plain(double v) {
    return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }

  private static Row middleOfPlateau(List<Row> rows, Row best, boolean labels) {
    return middleOfPlateau(rows, best, labels, false);
  }

  /**
   * When neighbouring grid values score the same as the best, the middle of that run: a threshold in the middle of
   * a plateau is the one least sensitive to the data.
   */
  private static Row middleOfPlateau(List<Row> rows, Row best, boolean labels, boolean pairF1) {
    int at = rows.indexOf(best);
    double s = score(best, labels, pairF1);
    int end = at;
    while (end + 1 < rows.size() && Math.abs(score(rows.get(end + 1), labels, pairF1) - s) <= 1e-12) end++;
    return rows.get((at + end) / 2);
  }

  private static double score(Row r, boolean labels, boolean pairF1) {
    if (!labels) return r.silhouette();
    return pairF1 ? r.quality().pairF1() : r.quality().bcubedF();
  }

  /** Exact silhouettes of a random sample of points, against all points. */
  static final class Silhouette {
    private final int[] sample;
    private final float[] dist; // sample x n

    Silhouette(Embeddings e, int sampleSize, long seed) {
      int n = e.size();
      // the sample's distances to all points are kept (sample x n floats): at most 200 MB
      int m = (int) Math.max(1, Math.min(Math.min(n, sampleSize), 50_000_000L / n));
      sample = ThresholdScan.sample(n, m, seed);
      java.util.Arrays.sort(sample);
      dist = Distances.fromRows(e, sample);
    }

    int sampleSize() {
      return sample.length;
    }

    /** Mean silhouette of the sample under clustering {@code c}; noise points are singletons. */
    double mean(Clustering c) {
      int n = c.size();
      int k = c.clusterCount();
      int[] lab = new int[n];
      int next = k;
      for (int i = 0; i < n; i++) lab[i] = c.label(i) >= 0 ? c.label(i) : next++;
      int[] size = new int[next];
      for (int l : lab) size[l]++;
      double[] sum = new double[next];
      double total = 0;
      for (int s = 0; s < sample.length; s++) {
        int i = sample[s];
        int own = lab[i];
        if (size[own] <= 1) continue; // silhouette 0
        java.util.Arrays.fill(sum, 0);
        int row = s * n;
        for (int j = 0; j < n; j++) sum[lab[j]] += dist[row + j];
        double a = sum[own] / (size[own] - 1);
        double b = Double.POSITIVE_INFINITY;
        for (int l = 0; l < next; l++) if (l != own) b = Math.min(b, sum[l] / size[l]);
        if (b == Double.POSITIVE_INFINITY) continue; // one cluster: silhouette undefined, count 0
        double m = Math.max(a, b);
        total += m == 0 ? 0 : (b - a) / m;
      }
      return total / sample.length;
    }
  }
}
