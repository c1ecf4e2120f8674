package org.facenet.eval;

import java.util.Arrays;

/**
 * The cross-validated figures of {@link Verification} (its class comment says what each is, after facenet): the KFold
 * folds, per fold the accuracy at the best training-fold threshold, the test fold's ROC and VAL@FAR at the training
 * folds' FAR threshold, then the means, AUC and EER. Inputs are pair distances already computed and checked.
 */
final class FoldMetrics {

    private FoldMetrics() {
    }

    /** Start index of each KFold test fold plus {@code n} at the end (sklearn: first n % folds folds get +1). */
    static int[] foldStarts(int n, int folds) {
        int[] starts = new int[folds + 1];
        int base = n / folds;
        int extra = n % folds;
        for (int f = 0; f < folds; f++) {
            starts[f + 1] = starts[f] + base + (f < extra ? 1 : 0);
        }
        return starts;
    }

    /** Sorted distances of one subset of pairs, split by label. */
    private record Split(double[] pos, double[] neg) {
        static Split of(double[] dist, boolean[] same, int from, int to, boolean complement) {
            int n = dist.length;
            int posCount = 0;
            int negCount = 0;
            for (int i = 0; i < n; i++) {
                if ((i >= from && i < to) != complement) {
                    if (same[i]) {
                        posCount++;
                    } else {
                        negCount++;
                    }
                }
            }
            double[] pos = new double[posCount];
            double[] neg = new double[negCount];
            int p = 0;
            int q = 0;
            for (int i = 0; i < n; i++) {
                if ((i >= from && i < to) != complement) {
                    if (same[i]) {
                        pos[p++] = dist[i];
                    } else {
                        neg[q++] = dist[i];
                    }
                }
            }
            Arrays.sort(pos);
            Arrays.sort(neg);
            return new Split(pos, neg);
        }

        int size() {
            return pos.length + neg.length;
        }
    }

    /** Number of values in the sorted array strictly below t. */
    static int countBelow(double[] sorted, double t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The figures of {@link Verification}'s class comment from each fold's pair distances ({@code foldDistances[f]}, the
     * same array for every fold without mean subtraction), the labels and the folds' {@code starts}.
     */
    static VerificationResult compute(double[][] foldDistances, boolean[] same, int[] starts,
            double farTarget) {
        int folds = starts.length - 1;
        int n = same.length;
        double[] rocT = Verification.rocThresholds();
        double[] valT = Verification.valThresholds();
        int nr = rocT.length;

        double[] tprSum = new double[nr];
        double[] fprSum = new double[nr];
        double[] accuracy = new double[folds];
        double[] bestThreshold = new double[folds];
        double[] val = new double[folds];
        double[] far = new double[folds];

        for (int f = 0; f < folds; f++) {
            double[] dist = foldDistances[f];
            Split train = Split.of(dist, same, starts[f], starts[f + 1], true);
            Split test = Split.of(dist, same, starts[f], starts[f + 1], false);

            // --- accuracy: best threshold on the training folds (first maximum, as np.argmax)
            int best = 0;
            double bestAcc = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < nr; t++) {
                double acc = accuracy(train, rocT[t]);
                if (acc > bestAcc) {
                    bestAcc = acc;
                    best = t;
                }
            }
            bestThreshold[f] = rocT[best];
            accuracy[f] = accuracy(test, rocT[best]);

            // --- ROC on the test fold
            for (int t = 0; t < nr; t++) {
                int tp = countBelow(test.pos, rocT[t]);
                int fp = countBelow(test.neg, rocT[t]);
                // tp+fn == number of positives, fp+tn == number of negatives
                tprSum[t] += test.pos.length == 0 ? 0.0 : (double) tp / test.pos.length;
                fprSum[t] += test.neg.length == 0 ? 0.0 : (double) fp / test.neg.length;
            }

            // --- VAL@FAR
            double threshold;
            if (train.neg.length == 0) {
                threshold = Double.NaN;
            } else {
                double[] farTrain = new double[valT.length];
                double maxFar = Double.NEGATIVE_INFINITY;
                for (int t = 0; t < valT.length; t++) {
                    farTrain[t] = (double) countBelow(train.neg, valT[t]) / train.neg.length;
                    maxFar = Math.max(maxFar, farTrain[t]);
                }
                threshold = maxFar >= farTarget ? CurveMath.slinearInterp(farTrain, valT, farTarget) : 0.0;
            }
            if (Double.isNaN(threshold)) {
                val[f] = Double.NaN;
                far[f] = Double.NaN;
            } else {
                val[f] = test.pos.length == 0 ? Double.NaN
                        : (double) countBelow(test.pos, threshold) / test.pos.length;
                far[f] = test.neg.length == 0 ? Double.NaN
                        : (double) countBelow(test.neg, threshold) / test.neg.length;
            }
        }

        double[] tpr = new double[nr];
        double[] fpr = new double[nr];
        for (int t = 0; t < nr; t++) {
            tpr[t] = tprSum[t] / folds;
            fpr[t] = fprSum[t] / folds;
        }
        RocCurve roc = new RocCurve(rocT, tpr, fpr);
        return new VerificationResult(mean(accuracy), std(accuracy), mean(val), std(val), mean(far),
                mean(bestThreshold), CurveMath.auc(fpr, tpr), CurveMath.eer(fpr, tpr), n, folds, roc);
    }

    private static double accuracy(Split s, double threshold) {
        int tp = countBelow(s.pos, threshold);
        int tn = s.neg.length - countBelow(s.neg, threshold);
        return (double) (tp + tn) / s.size();
    }

    static double mean(double[] v) {
        double sum = 0.0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /** Population standard deviation, like {@code np.std}. */
    static double std(double[] v) {
        double m = mean(v);
        double sum = 0.0;
        for (double x : v) {
            sum += (x - m) * (x - m);
        }
        return Math.sqrt(sum / v.length);
    }
}
