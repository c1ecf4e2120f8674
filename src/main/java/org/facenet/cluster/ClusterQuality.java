package org.facenet.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How well a clustering matches known identities. Noise points (-1) count as clusters of their own (a face left
 * unclustered is not matched with anyone), which is how a search for a good threshold should see them.
 *
 * <ul>
 *   <li>Pairwise precision: of the pairs put in the same cluster, the fraction of the same identity; recall: of
 *       the pairs of the same identity, the fraction put together; F1 their harmonic mean. With no pairs to judge
 *       (a denominator of 0) the value is 1.
 *   <li>BCubed (Bagga and Baldwin 1998; Amigo et al. 2009): per face, precision is the share of its cluster with
 *       its identity and recall the share of its identity in its cluster; both are averaged over faces, and F is
 *       their harmonic mean.
 *   <li>NMI: mutual information over the arithmetic mean of the two entropies (natural log), as scikit-learn's
 *       {@code normalized_mutual_info_score}; 1 when both sides are a single group.
 * </ul>
 */
public record ClusterQuality(int n, int clusters, int noise, int identities, double pairPrecision, double pairRecall,
    double pairF1, double bcubedPrecision, double bcubedRecall, double bcubedF, double nmi) {

  /** Compares {@code clustering} with the identity labels (one per point, in the same order). */
  public static ClusterQuality of(Clustering clustering, List<String> labels) {
    int[] pred = clustering.labels();
    if (labels.size() != pred.length) {
      throw new IllegalArgumentException(pred.length + " cluster labels but " + labels.size() + " identities");
    }
    int n = pred.length;
    // noise -> a fresh cluster each
    int next = clustering.clusterCount();
    int[] c = new int[n];
    for (int i = 0; i < n; i++) c[i] = pred[i] >= 0 ? pred[i] : next++;
    Map<String, Integer> ids = new HashMap<>();
    int[] l = new int[n];
    for (int i = 0; i < n; i++) l[i] = ids.computeIfAbsent(labels.get(i), k -> ids.size());
    int kc = next;
    int kl = ids.size();
    long[] clusterSize = new long[kc];
    long[] labelSize = new long[kl];
    HashMap<Long, long[]> cells = new HashMap<>();
    for (int i = 0; i < n; i++) {
      clusterSize[c[i]]++;
      labelSize[l[i]]++;
      cells.computeIfAbsent(((long) c[i] << 32) | l[i], k -> new long[1])[0]++;
    }
    double tp = 0;
    double bcP = 0;
    double bcR = 0;
    double mi = 0;
    for (Map.Entry<Long, long[]> e : cells.entrySet()) {
      int ci = (int) (e.getKey() >>> 32);
      int li = (int) (e.getKey() & 0xffffffffL);
      double nij = e.getValue()[0];
      tp += nij * (nij - 1) / 2;
      bcP += nij * nij / clusterSize[ci];
      bcR += nij * nij / labelSize[li];
      mi += nij / n * Math.log(nij * n / ((double) clusterSize[ci] * labelSize[li]));
    }
    double predPairs = 0;
    double hc = 0;
    for (long s : clusterSize) {
      predPairs += s * (s - 1.0) / 2;
      hc -= (double) s / n * Math.log((double) s / n);
    }
    double truePairs = 0;
    double hl = 0;
    for (long s : labelSize) {
      truePairs += s * (s - 1.0) / 2;
      hl -= (double) s / n * Math.log((double) s / n);
    }
    double p = predPairs == 0 ? 1 : tp / predPairs;
    double r = truePairs == 0 ? 1 : tp / truePairs;
    bcP /= n;
    bcR /= n;
    double nmi;
    if (kc == 1 && kl == 1) {
      nmi = 1;
    } else {
      double mean = (hc + hl) / 2;
      nmi = mean <= 0 ? 0 : Math.max(0, Math.min(1, mi / mean));
    }
    return new ClusterQuality(n, clustering.clusterCount(), clustering.noiseCount(), kl, p, r, f(p, r), bcP, bcR,
        f(bcP, bcR), nmi);
  }

  private static double f(double p, double r) {
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /** A few lines for the terminal. */
  public String describe() {
    return String.format("quality against the CSV's labels: %d cluster(s) found (+%d noise point(s)) for %d identities%n"
        + "  pairwise  precision %.4f  recall %.4f  F1 %.4f%n"
        + "  BCubed    precision %.4f  recall %.4f  F  %.4f%n"
        + "  NMI %.4f%n", clusters, noise, identities, pairPrecision, pairRecall, pairF1, bcubedPrecision,
        bcubedRecall, bcubedF, nmi);
  }
}
