package org.facenet.eval;

import java.util.Arrays;
import java.util.Objects;

/**
 * LFW-style face verification metrics with k-fold cross-validation, reproducing davidsandberg/facenet's
 * {@code lfw.evaluate} ({@code facenet.calculate_roc} and {@code facenet.calculate_val}) together with the AUC and EER
 * computed in {@code validate_on_lfw.py}.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Folds: {@code sklearn.model_selection.KFold(n_splits=folds, shuffle=False)}: contiguous test folds, the first
 *       {@code pairs % folds} folds having one extra pair; the training set of a fold is every other pair.</li>
 *   <li>A pair is predicted "same" iff {@code distance < threshold} (strict).</li>
 *   <li>Accuracy: thresholds {@code i * 0.01}, i = 0..399 ({@code np.arange(0, 4, 0.01)}). For each fold the
 *       threshold with the highest training-fold accuracy is chosen (the first one on ties, like
 *       {@code np.argmax}) and the accuracy on the test fold is recorded. Reported: mean and population standard
 *       deviation ({@code np.std}) of the per-fold accuracies, and the mean of the chosen thresholds.</li>
 *   <li>ROC: per threshold, the mean over folds of the test-fold tpr = tp/(tp+fn) and fpr = fp/(fp+tn) (0 when the
 *       denominator is 0).</li>
 *   <li>VAL@FAR: thresholds {@code i * 0.001}, i = 0..3999. Per fold, the false accept rate on the training folds is
 *       computed at every threshold; if its maximum is {@code >= farTarget} the threshold is
 *       {@code interp1d(far_train, thresholds, kind='slinear')(farTarget)}, otherwise 0. The validation rate
 *       (true accepts / same pairs) and false accept rate on the test fold at that threshold are recorded.
 *       <p>far_train is non-decreasing and has long runs of equal values. Current scipy refuses duplicate x for
 *       'slinear' ("Expect x to not have duplicates"); the scipy releases facenet was written against built the
 *       degree-1 B-spline with knots {@code r_[x[0], x, x[-1]]} and coefficients y directly, which is
 *       right-continuous: at a value shared by several thresholds it gives the <em>largest</em> of those
 *       thresholds, and between two distinct far values it interpolates linearly from the last threshold of the
 *       lower run to the first threshold of the higher run. This is what is implemented (with the same
 *       arithmetic as scipy's de Boor evaluation). One deliberate deviation: at exactly the maximum far value,
 *       when that value is repeated, old scipy evaluated a degenerate knot interval and returned 0; here the
 *       right-continuous rule (largest threshold) is used, as {@code np.interp} would.</p></li>
 *   <li>If a test fold has no same (or no different) pairs the fold's validation rate (or far) is NaN, and if the
 *       training folds have no different pairs the fold's FAR threshold is undefined and both are NaN (facenet
 *       raises ZeroDivisionError in these cases).</li>
 *   <li>AUC: {@code sklearn.metrics.auc(fpr, tpr)} on the mean ROC, i.e. the trapezoid rule over the points in
 *       threshold order; fpr is non-decreasing in the threshold so the area is non-negative.</li>
 *   <li>EER: {@code brentq(lambda x: 1 - x - interp1d(fpr, tpr)(x), 0, 1)}. interp1d's linear kind (np.interp) is
 *       right-continuous at repeated fpr values as well, so {@code 1 - x - tpr(x)} is strictly decreasing and
 *       piecewise linear with possible downward jumps; its root is computed exactly (at a jump the root is the
 *       jump's location, which is where brentq converges). If the mean ROC does not reach the root (its largest
 *       fpr is below the EER, where scipy would raise "above the interpolation range") the EER is NaN.</li>
 *   <li>With {@link Options#subtractMean()}: per fold, the mean of the training-fold embeddings of both sides
 *       (concatenated) is subtracted from every embedding before computing the distances of that fold.</li>
 * </ul>
 * Arithmetic is in double precision (facenet works in the embeddings' float32), so results can differ from a float32
 * run only when a distance lies within float32 rounding of a threshold.
 */
public final class Verification {

    /** Number of accuracy/ROC thresholds: 0, 0.01, ..., 3.99. */
    public static final int ROC_THRESHOLD_COUNT = 400;
    /** Step of the accuracy/ROC thresholds. */
    public static final double ROC_THRESHOLD_STEP = 0.01;
    /** Number of VAL@FAR thresholds: 0, 0.001, ..., 3.999. */
    public static final int VAL_THRESHOLD_COUNT = 4000;
    /** Step of the VAL@FAR thresholds. */
    public static final double VAL_THRESHOLD_STEP = 0.001;

    private Verification() {
    }

    /**
     * Evaluation options.
     *
     * @param folds        number of cross-validation folds (at least 2)
     * @param distance     distance between the two embeddings of a pair
     * @param subtractMean subtract the training folds' mean embedding before computing distances
     * @param farTarget    target false accept rate for VAL@FAR, in [0, 1]
     */
    public record Options(int folds, Distance distance, boolean subtractMean, double farTarget) {

        public Options {
            if (folds < 2) {
                throw new IllegalArgumentException("folds must be at least 2, got " + folds);
            }
            Objects.requireNonNull(distance, "distance");
            checkFarTarget(farTarget);
        }

        /** facenet's defaults: 10 folds, squared Euclidean distance, no mean subtraction, FAR target 1e-3. */
        public static Options defaults() {
            return new Options(10, Distance.SQUARED_EUCLIDEAN, false, 1e-3);
        }

        public Options withFolds(int newFolds) {
            return new Options(newFolds, distance, subtractMean, farTarget);
        }

        public Options withDistance(Distance newDistance) {
            return new Options(folds, newDistance, subtractMean, farTarget);
        }

        public Options withSubtractMean(boolean newSubtractMean) {
            return new Options(folds, distance, newSubtractMean, farTarget);
        }

        public Options withFarTarget(double newFarTarget) {
            return new Options(folds, distance, subtractMean, newFarTarget);
        }
    }

    /** The accuracy/ROC thresholds {@code np.arange(0, 4, 0.01)}. */
    public static double[] rocThresholds() {
        return grid(ROC_THRESHOLD_COUNT, ROC_THRESHOLD_STEP);
    }

    /** The VAL@FAR thresholds {@code np.arange(0, 4, 0.001)}. */
    public static double[] valThresholds() {
        return grid(VAL_THRESHOLD_COUNT, VAL_THRESHOLD_STEP);
    }

    private static double[] grid(int count, double step) {
        double[] t = new double[count];
        for (int i = 0; i < count; i++) {
            t[i] = i * step; // numpy's arange computes start + i * step, identical for start = 0
        }
        return t;
    }

    /**
     * Evaluates pairs of embeddings: pair {@code i} is ({@code first[i]}, {@code second[i]}) and {@code same[i]} says
     * whether both show the same identity.
     *
     * @throws IllegalArgumentException if the arrays are null or of different lengths, embeddings are null or of
     *                                  different dimensions, there are fewer pairs than folds, or a distance is NaN
     */
    public static VerificationResult evaluate(float[][] first, float[][] second, boolean[] same, Options options) {
        Objects.requireNonNull(options, "options");
        if (first == null || second == null || same == null) {
            throw new IllegalArgumentException("first, second and same must not be null");
        }
        if (first.length != second.length || first.length != same.length) {
            throw new IllegalArgumentException("pair arrays have different lengths: first=" + first.length
                    + ", second=" + second.length + ", same=" + same.length);
        }
        int n = first.length;
        checkPairsAndFolds(n, options.folds());
        int dim = checkEmbeddings(first, second);

        double[][] a = new double[n][];
        double[][] b = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = Distance.toDouble(first[i]);
            b[i] = Distance.toDouble(second[i]);
        }
        int[] starts = FoldMetrics.foldStarts(n, options.folds());
        double[][] foldDistances = new double[options.folds()][];
        if (!options.subtractMean()) {
            double[] d = distances(a, b, null, options.distance());
            Arrays.fill(foldDistances, d);
        } else {
            for (int f = 0; f < options.folds(); f++) {
                double[] mean = new double[dim];
                int count = 0;
                for (int i = 0; i < n; i++) {
                    if (i >= starts[f] && i < starts[f + 1]) {
                        continue;
                    }
                    for (int k = 0; k < dim; k++) {
                        mean[k] += a[i][k] + b[i][k];
                    }
                    count += 2;
                }
                for (int k = 0; k < dim; k++) {
                    mean[k] /= count;
                }
                foldDistances[f] = distances(a, b, mean, options.distance());
            }
        }
        return FoldMetrics.compute(foldDistances, same, starts, options.farTarget());
    }

    /**
     * Evaluates precomputed pair distances (already including any mean subtraction).
     *
     * @throws IllegalArgumentException if the arrays are null or of different lengths, {@code folds < 2}, there are
     *                                  fewer pairs than folds, a distance is NaN, or farTarget is not in [0, 1]
     */
    public static VerificationResult evaluateDistances(double[] distances, boolean[] same, int folds,
            double farTarget) {
        if (distances == null || same == null) {
            throw new IllegalArgumentException("distances and same must not be null");
        }
        if (distances.length != same.length) {
            throw new IllegalArgumentException("pair arrays have different lengths: distances=" + distances.length
                    + ", same=" + same.length);
        }
        if (folds < 2) {
            throw new IllegalArgumentException("folds must be at least 2, got " + folds);
        }
        checkFarTarget(farTarget);
        int n = distances.length;
        checkPairsAndFolds(n, folds);
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(distances[i])) {
                throw new IllegalArgumentException("distance of pair " + i + " is NaN");
            }
        }
        double[][] foldDistances = new double[folds][];
        Arrays.fill(foldDistances, distances.clone());
        return FoldMetrics.compute(foldDistances, same.clone(), FoldMetrics.foldStarts(n, folds), farTarget);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static void checkFarTarget(double farTarget) {
        if (!(farTarget >= 0.0 && farTarget <= 1.0)) {
            throw new IllegalArgumentException("farTarget must be in [0, 1], got " + farTarget);
        }
    }

    private static void checkPairsAndFolds(int pairs, int folds) {
        if (pairs < folds) {
            throw new IllegalArgumentException(
                    "need at least as many pairs as folds: " + pairs + " pairs for " + folds + " folds");
        }
    }

    private static int checkEmbeddings(float[][] first, float[][] second) {
        int dim = -1;
        for (int i = 0; i < first.length; i++) {
            if (first[i] == null || second[i] == null) {
                throw new IllegalArgumentException("embedding of pair " + i + " is null");
            }
            if (dim < 0) {
                dim = first[i].length;
                if (dim == 0) {
                    throw new IllegalArgumentException("embeddings must not be empty");
                }
            }
            if (first[i].length != dim || second[i].length != dim) {
                throw new IllegalArgumentException("embeddings of pair " + i + " have dimensions " + first[i].length
                        + " and " + second[i].length + ", expected " + dim);
            }
        }
        return dim;
    }

    private static double[] distances(double[][] a, double[][] b, double[] mean, Distance distance) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double[] x = a[i];
            double[] y = b[i];
            if (mean != null) {
                x = x.clone();
                y = y.clone();
                for (int k = 0; k < mean.length; k++) {
                    x[k] -= mean[k];
                    y[k] -= mean[k];
                }
            }
            d[i] = distance.compute(x, y);
            if (Double.isNaN(d[i])) {
                throw new IllegalArgumentException("distance of pair " + i + " is NaN"
                        + (distance == Distance.ANGULAR ? " (zero-norm embedding with ANGULAR distance?)" : ""));
            }
        }
        return d;
    }
}
