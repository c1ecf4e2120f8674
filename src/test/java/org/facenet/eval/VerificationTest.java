package org.facenet.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Verification metrics checked against (a) figures computed independently with facenet's formulas in
 * numpy/scikit-learn/scipy and (b) properties that follow from first principles.
 *
 * <p>The reference figures come from {@code src/test/resources/eval/verification_reference.py} (numpy 2.4.6, scikit-learn
 * 1.9.1, scipy 1.17.1; facenet's calculate_roc / calculate_val / validate_on_lfw AUC+EER re-implemented in float64 with
 * sklearn KFold + metrics.auc and scipy interp1d + brentq; the 'slinear' interpolation over repeated FAR values uses
 * the degree-1 B-spline that older scipy built, see the script). The script rebuilds exactly the inputs below;
 * it also reports that no distance lies within 1e-6 of a threshold for the embedding-based sets, so double rounding
 * differences between numpy and Java cannot flip a comparison there. Tolerances: 1e-12 for count-based figures,
 * 1e-9 for the EER (brentq stops at xtol = 2e-12, the Java root is exact).
 */
class VerificationTest {

    private static final double EPS = 1e-12;
    private static final double EER_EPS = 1e-9;

    // ------------------------------------------------------------------------------------ fixed inputs

    /** Same as separable() in the reference script. */
    private static double[] separableDistances(boolean[] same) {
        double[] d = new double[same.length];
        for (int i = 0; i < same.length; i++) {
            same[i] = i % 2 == 0;
            d[i] = same[i] ? 0.05 + 0.02 * (i % 7) : 2.0 + 0.1 * (i % 9);
        }
        return d;
    }

    /** Same as hashed_value() in the reference script. */
    private static double hashedValue(int i, int k, int c) {
        long h = ((long) i * 7919 + (long) k * 104729 + (long) c * 1299709) % 1000003;
        return ((h * h) % 1000003) / 1000003.0 - 0.5;
    }

    private static float[] normalized(double[] v) {
        double s = 0.0;
        for (double x : v) {
            s += x * x;
        }
        double norm = Math.sqrt(s);
        float[] out = new float[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = (float) (v[k] / norm);
        }
        return out;
    }

    /** hashed_embeddings(): 103 pairs of 8-d unit vectors, 48 same pairs. */
    private record Pairs(float[][] first, float[][] second, boolean[] same) {
    }

    private static Pairs hashedPairs() {
        int n = 103;
        int dim = 8;
        float[][] e1 = new float[n][];
        float[][] e2 = new float[n][];
        boolean[] same = new boolean[n];
        for (int i = 0; i < n; i++) {
            same[i] = ((i * i * 31 + 7 * i) % 13) < 6;
            double[] a = new double[dim];
            double[] b = new double[dim];
            for (int k = 0; k < dim; k++) {
                a[k] = hashedValue(i, k, 1);
            }
            for (int k = 0; k < dim; k++) {
                b[k] = same[i] ? a[k] + 1.6 * hashedValue(i, k, 2) : hashedValue(i, k, 3);
            }
            e1[i] = normalized(a);
            e2[i] = normalized(b);
        }
        return new Pairs(e1, e2, same);
    }

    /** grid_ties(): every distance is exactly one of the accuracy thresholds (k * 0.01). */
    private static double[] gridTieDistances(boolean[] same) {
        double[] d = new double[same.length];
        for (int i = 0; i < same.length; i++) {
            d[i] = (45 + (i * 7) % 11) * 0.01;
            same[i] = (i * 5) % 7 < 3;
        }
        return d;
    }

    private static void assertMetrics(VerificationResult r, double accuracyMean, double accuracyStd, double valMean,
            double valStd, double farMean, double bestThresholdMean, double auc, double eer) {
        assertEquals(accuracyMean, r.accuracyMean(), EPS, "accuracyMean");
        assertEquals(accuracyStd, r.accuracyStd(), EPS, "accuracyStd");
        assertEquals(valMean, r.valMean(), EPS, "valMean");
        assertEquals(valStd, r.valStd(), EPS, "valStd");
        assertEquals(farMean, r.farMean(), EPS, "farMean");
        assertEquals(bestThresholdMean, r.bestThresholdMean(), EPS, "bestThresholdMean");
        assertEquals(auc, r.auc(), EPS, "auc");
        assertEquals(eer, r.eer(), EER_EPS, "eer");
    }

    private static void assertRoc(VerificationResult r, int[] idx, double[] tpr, double[] fpr) {
        double[] t = r.roc().tpr();
        double[] f = r.roc().fpr();
        for (int j = 0; j < idx.length; j++) {
            assertEquals(tpr[j], t[idx[j]], EPS, "tpr[" + idx[j] + "]");
            assertEquals(fpr[j], f[idx[j]], EPS, "fpr[" + idx[j] + "]");
        }
    }

    // ------------------------------------------------------------------------------------ reference figures

    @Test
    void separableDistancesMatchReference() {
        boolean[] same = new boolean[40];
        double[] d = separableDistances(same);
        VerificationResult r = Verification.evaluateDistances(d, same, 10, 1e-3);
        // reference: "separable, 10 folds, far 1e-3"
        // farMean is 0.1, not 0: far_train is 0 up to threshold 2.000 and 1/18 at 2.001 (a negative sits exactly at
        // 2.0), so interp1d puts the threshold at 2.000018 and the test folds holding that negative accept it.
        assertMetrics(r, 1.0, 0.0, 1.0, 0.0, 0.1, 0.16999999999999998, 1.0, 0.0);
        assertRoc(r, new int[] {0, 50, 100, 150, 200, 399}, new double[] {0, 1, 1, 1, 1, 1},
                new double[] {0, 0, 0, 0, 0, 1});
        assertEquals(40, r.pairs());
        assertEquals(10, r.folds());
    }

    @Test
    void hashedEmbeddingsAreRebuiltLikeTheReference() {
        Pairs p = hashedPairs();
        int sameCount = 0;
        double sumSq = 0.0;
        double sumAng = 0.0;
        for (int i = 0; i < p.same().length; i++) {
            sameCount += p.same()[i] ? 1 : 0;
            sumSq += Distance.SQUARED_EUCLIDEAN.between(p.first()[i], p.second()[i]);
            sumAng += Distance.ANGULAR.between(p.first()[i], p.second()[i]);
        }
        // reference: "hashed: same pairs 48 distance sums 152.46759652919621 42.17442989050246"
        assertEquals(48, sameCount);
        assertEquals(152.46759652919621, sumSq, 1e-10);
        assertEquals(42.17442989050246, sumAng, 1e-10);
    }

    @Test
    void hashedSquaredEuclideanMatchesReference() {
        Pairs p = hashedPairs();
        VerificationResult r = Verification.evaluate(p.first(), p.second(), p.same(), Verification.Options.defaults());
        // reference: "hashed, SQUARED_EUCLIDEAN, 10 folds, far 1e-3" (103 pairs: folds of 11, 11, 11, 10, ...)
        assertMetrics(r, 0.8463636363636364, 0.11444801050013066, 0.6933333333333334, 0.16024287122295885, 0.02,
                1.048, 0.9045031746031745, 0.17833333333333334);
        assertRoc(r, new int[] {0, 50, 100, 150, 200, 399},
                new double[] {0.0, 0.17666666666666664, 0.6683333333333333, 0.8583333333333332, 0.9349999999999999,
                    1.0},
                new double[] {0.0, 0.0, 0.0, 0.28428571428571425, 0.6071428571428572, 1.0});
        assertEquals(103, r.pairs());
    }

    @Test
    void hashedAngularWithMeanSubtractionMatchesReference() {
        Pairs p = hashedPairs();
        Verification.Options o = new Verification.Options(10, Distance.ANGULAR, true, 1e-3);
        VerificationResult r = Verification.evaluate(p.first(), p.second(), p.same(), o);
        // reference: "hashed, ANGULAR + subtractMean, 10 folds, far 1e-3"
        assertMetrics(r, 0.8363636363636363, 0.12217045401696247, 0.7266666666666667, 0.1841195263952197, 0.04,
                0.343, 0.900151984126984, 0.17833333333333334);
        assertRoc(r, new int[] {0, 50, 100}, new double[] {0.0, 0.9550000000000001, 1.0},
                new double[] {0.0, 0.6271428571428571, 1.0});
    }

    @Test
    void hashedSquaredEuclideanWithMeanSubtractionSevenFoldsMatchesReference() {
        Pairs p = hashedPairs();
        Verification.Options o = new Verification.Options(7, Distance.SQUARED_EUCLIDEAN, true, 0.1);
        VerificationResult r = Verification.evaluate(p.first(), p.second(), p.same(), o);
        // reference: "hashed, SQUARED_EUCLIDEAN + subtractMean, 7 folds, far 0.1"
        assertMetrics(r, 0.8374149659863946, 0.10545314843072502, 0.7976190476190476, 0.1251820831263806, 0.125,
                1.0328571428571427, 0.9079745418575593, 0.1785714285714286);
        assertRoc(r, new int[] {50, 100, 150, 200},
                new double[] {0.18112244897959182, 0.679421768707483, 0.8596938775510204, 0.9387755102040816},
                new double[] {0.0, 0.0, 0.2704081632653061, 0.5994897959183673});
        assertEquals(7, r.folds());
    }

    @Test
    void distancesTiedExactlyAtGridThresholdsMatchReference() {
        boolean[] same = new boolean[30];
        double[] d = gridTieDistances(same);
        VerificationResult r = Verification.evaluateDistances(d, same, 3, 0.05);
        // reference: "grid ties, 3 folds, far 0.05"
        assertMetrics(r, 0.5, 0.08164965809277258, 0.08333333333333333, 0.11785113019775792, 0.12222222222222223,
                0.16666666666666666, 0.3821296296296297, 0.4891891891891937);
        assertRoc(r, new int[] {45, 48, 50, 51, 55, 56},
                new double[] {0.0, 0.15, 0.45, 0.5333333333333333, 0.8333333333333334, 1.0},
                new double[] {0.0, 0.3444444444444444, 0.39999999999999997, 0.5222222222222221, 0.9333333333333332,
                    1.0});
    }

    // ------------------------------------------------------------------------------------ first principles

    @Test
    void perfectlySeparableEmbeddingsGivePerfectScores() {
        // same pairs: identical unit vectors (distance 0); different pairs: unit vectors 1.234 rad apart
        // (squared Euclidean ~1.3372, angular ~0.3928). Every fold then separates perfectly.
        // The negatives deliberately sit away from the 0.001 VAL grid: facenet's interpolated FAR threshold lies just
        // above the last grid point with far_train == 0 (here t0 + 1e-6), so a negative at exactly a grid point such as
        // 2.0 (orthogonal vectors) would be accepted and give far 1 (see separableDistancesMatchReference).
        int n = 20;
        float[][] a = new float[n][];
        float[][] b = new float[n][];
        boolean[] same = new boolean[n];
        float[] other = {(float) Math.cos(1.234), (float) Math.sin(1.234), 0, 0};
        for (int i = 0; i < n; i++) {
            same[i] = i % 3 != 0;
            a[i] = new float[] {1, 0, 0, 0};
            b[i] = same[i] ? new float[] {1, 0, 0, 0} : other;
        }
        for (Distance distance : Distance.values()) {
            VerificationResult r = Verification.evaluate(a, b, same,
                    Verification.Options.defaults().withFolds(5).withDistance(distance));
            assertEquals(1.0, r.accuracyMean(), 0.0, distance.name());
            assertEquals(0.0, r.accuracyStd(), 0.0, distance.name());
            assertEquals(1.0, r.auc(), 1e-15, distance.name());
            assertEquals(0.0, r.eer(), 0.0, distance.name());
            assertEquals(1.0, r.valMean(), 0.0, distance.name());
            assertEquals(0.0, r.farMean(), 0.0, distance.name());
            // the first threshold accepting distance 0 is 0.01 (0 < 0 is false)
            assertEquals(0.01, r.bestThresholdMean(), 0.0, distance.name());
        }
    }

    @Test
    void sameIsStrictlyLessThanThreshold() {
        // positives exactly at threshold 0.50, negatives exactly at threshold 0.51
        int n = 8;
        double[] d = new double[n];
        boolean[] same = new boolean[n];
        for (int i = 0; i < n; i++) {
            same[i] = i % 2 == 0;
            d[i] = (same[i] ? 50 : 51) * 0.01;
        }
        VerificationResult r = Verification.evaluateDistances(d, same, 2, 1e-3);
        // 0.50 < 0.50 is false, so only threshold 0.51 separates: 0.50 < 0.51 and !(0.51 < 0.51)
        assertEquals(0.51, r.bestThresholdMean(), 0.0);
        assertEquals(1.0, r.accuracyMean(), 0.0);
        double[] tpr = r.roc().tpr();
        double[] fpr = r.roc().fpr();
        assertEquals(0.0, tpr[50], 0.0);
        assertEquals(1.0, tpr[51], 0.0);
        assertEquals(0.0, fpr[51], 0.0);
        assertEquals(1.0, fpr[52], 0.0);
        assertEquals(1.0, r.auc(), 0.0);
        assertEquals(0.0, r.eer(), 0.0);
    }

    @Test
    void uninformativeDistancesGiveChanceScores() {
        // all distances equal: the ROC jumps from (0,0) to (1,1); argmax keeps the first best threshold (0)
        int n = 20;
        double[] d = new double[n];
        boolean[] same = new boolean[n];
        for (int i = 0; i < n; i++) {
            d[i] = 1.0;
            same[i] = i % 2 == 0;
        }
        VerificationResult r = Verification.evaluateDistances(d, same, 10, 1e-3);
        assertEquals(0.5, r.accuracyMean(), 0.0);
        assertEquals(0.0, r.bestThresholdMean(), 0.0);
        assertEquals(0.5, r.auc(), 0.0);
        assertEquals(0.5, r.eer(), 1e-15);
    }

    @Test
    void valFallsBackToThresholdZeroWhenFarTargetIsUnreachable() {
        // negatives beyond every VAL threshold: far_train is 0 everywhere, below farTarget, so threshold 0 is used
        int n = 10;
        double[] d = new double[n];
        boolean[] same = new boolean[n];
        for (int i = 0; i < n; i++) {
            same[i] = i % 2 == 0;
            d[i] = same[i] ? 0.3 : 5.0;
        }
        VerificationResult r = Verification.evaluateDistances(d, same, 5, 1e-3);
        assertEquals(0.0, r.valMean(), 0.0);
        assertEquals(0.0, r.farMean(), 0.0);
        assertEquals(1.0, r.accuracyMean(), 0.0);
        // the mean ROC never gets past fpr 0, so the EER point is reached at fpr 0 (tpr 1)
        assertEquals(0.0, r.eer(), 0.0);
    }

    @Test
    void slinearInterpolationOverRepeatedFarValues() {
        double[] x = {0, 0, 0, 0.2, 0.2, 0.5, 1.0, 1.0};
        double[] y = {0, 1, 2, 3, 4, 5, 6, 7};
        // values of scipy's degree-1 B-spline with knots r_[x[0], x, x[-1]] (older interp1d 'slinear'):
        // right-continuous, i.e. the last y of a run at a repeated x, linear in between
        assertEquals(2.0, CurveMath.slinearInterp(x, y, 0.0), EPS);
        assertEquals(2.5, CurveMath.slinearInterp(x, y, 0.1), EPS);
        assertEquals(4.0, CurveMath.slinearInterp(x, y, 0.2), EPS);
        assertEquals(4.333333333333333, CurveMath.slinearInterp(x, y, 0.3), EPS);
        assertEquals(5.5, CurveMath.slinearInterp(x, y, 0.75), EPS);
        assertEquals(7.0, CurveMath.slinearInterp(x, y, 1.0), EPS); // documented choice at the top end
        assertTrue(Double.isNaN(CurveMath.slinearInterp(x, y, 1.5)));
        // without repeats it is plain linear interpolation
        assertEquals(1.25, CurveMath.slinearInterp(new double[] {0, 1, 2}, new double[] {0, 1, 3}, 1.125), EPS);
    }

    @Test
    void aucIntegratesInGivenOrderWithPositiveSign() {
        double[] up = {0, 0.5, 1};
        double[] down = {1, 0.5, 0};
        assertEquals(0.5, CurveMath.auc(up, up), EPS);
        assertEquals(0.5, CurveMath.auc(down, down), EPS);
        assertEquals(1.0, CurveMath.auc(new double[] {0, 0, 1}, new double[] {0, 1, 1}), EPS);
    }

    @Test
    void eerIsTheCrossingOfTheInterpolatedRoc() {
        // linear ROC tpr = 0.5 + fpr/2 crosses 1 - fpr at fpr = 1/3
        assertEquals(1.0 / 3.0, CurveMath.eer(new double[] {0, 1}, new double[] {0.5, 1}), 1e-15);
        // a vertical jump through 1 - x at x = 0.25
        assertEquals(0.25, CurveMath.eer(new double[] {0, 0.25, 0.25, 1}, new double[] {0.1, 0.2, 0.9, 1}),
                0.0);
        // the curve stops before the crossing
        assertTrue(Double.isNaN(CurveMath.eer(new double[] {0, 0.1}, new double[] {0, 0.1})));
    }

    @Test
    void foldsFollowSklearnKFold() {
        assertArrayEquals(new int[] {0, 4, 7, 10}, FoldMetrics.foldStarts(10, 3));
        assertArrayEquals(new int[] {0, 11, 22, 33, 43, 53, 63, 73, 83, 93, 103}, FoldMetrics.foldStarts(103, 10));
        assertArrayEquals(new int[] {0, 1, 2}, FoldMetrics.foldStarts(2, 2));
    }

    @Test
    void thresholdGridsMatchNumpyArange() {
        double[] roc = Verification.rocThresholds();
        double[] val = Verification.valThresholds();
        assertEquals(400, roc.length);
        assertEquals(4000, val.length);
        assertEquals(0.0, roc[0], 0.0);
        assertEquals(3.99, roc[399], 1e-15);
        assertEquals(3.999, val[3999], 1e-15);
        assertEquals(0.35000000000000003, roc[35], 0.0); // np.arange(0, 4, 0.01)[35], not 0.35
        assertArrayEquals(roc, Verification.evaluateDistances(new double[] {0, 1}, new boolean[] {true, false}, 2,
                1e-3).roc().thresholds(), 0.0);
    }

    @Test
    void evaluateAgreesWithEvaluateDistances() {
        Pairs p = hashedPairs();
        double[] d = new double[p.same().length];
        for (int i = 0; i < d.length; i++) {
            d[i] = Distance.ANGULAR.between(p.first()[i], p.second()[i]);
        }
        VerificationResult a = Verification.evaluate(p.first(), p.second(), p.same(),
                new Verification.Options(10, Distance.ANGULAR, false, 1e-2));
        VerificationResult b = Verification.evaluateDistances(d, p.same(), 10, 1e-2);
        assertEquals(a, b);
    }

    @Test
    void meanSubtractionRemovesAConstantOffset() {
        Pairs p = hashedPairs();
        int n = p.same().length;
        float[][] a = new float[n][];
        float[][] b = new float[n][];
        for (int i = 0; i < n; i++) {
            a[i] = p.first()[i].clone();
            b[i] = p.second()[i].clone();
            for (int k = 0; k < a[i].length; k++) {
                a[i][k] += 0.75f;
                b[i][k] += 0.75f;
            }
        }
        Verification.Options o = new Verification.Options(10, Distance.ANGULAR, true, 1e-3);
        VerificationResult shifted = Verification.evaluate(a, b, p.same(), o);
        VerificationResult original = Verification.evaluate(p.first(), p.second(), p.same(), o);
        assertEquals(original.accuracyMean(), shifted.accuracyMean(), EPS);
        assertEquals(original.valMean(), shifted.valMean(), EPS);
        assertEquals(original.farMean(), shifted.farMean(), EPS);
        assertEquals(original.auc(), shifted.auc(), EPS);
        assertEquals(original.eer(), shifted.eer(), EER_EPS);
        // without mean subtraction the offset does change angular distances
        VerificationResult noMean = Verification.evaluate(a, b, p.same(), o.withSubtractMean(false));
        assertFalse(Math.abs(noMean.auc() - original.auc()) < 1e-6);
    }

    // ------------------------------------------------------------------------------------ distances

    @Test
    void distancesHaveTheirDefiningValues() {
        float[] x = {1, 2, 3};
        float[] y = {4, 0, 3};
        assertEquals(13.0, Distance.SQUARED_EUCLIDEAN.between(x, y), 0.0);
        assertEquals(Distance.SQUARED_EUCLIDEAN.between(y, x), Distance.SQUARED_EUCLIDEAN.between(x, y), 0.0);
        assertEquals(0.5, Distance.ANGULAR.between(new float[] {1, 0}, new float[] {0, 3}), 1e-15);
        assertEquals(1.0, Distance.ANGULAR.between(new float[] {1, 0}, new float[] {-3, 0}), 0.0);
        assertEquals(0.25, Distance.ANGULAR.between(new float[] {1, 0}, new float[] {1, 1}), 1e-15);
        // cos of this vector with itself rounds to 1.0000000000000002: arccos would be NaN without the clamp
        float[] v = {0.2877095f, 0.44523224f, -0.95581186f};
        assertEquals(0.0, Distance.ANGULAR.between(v, v), 0.0);
        assertTrue(Double.isNaN(Distance.ANGULAR.between(new float[] {0, 0}, new float[] {1, 0})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Distance.SQUARED_EUCLIDEAN.between(new float[] {1, 2}, new float[] {1}));
        assertTrue(e.getMessage().contains("2 vs 1"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------ validation

    @Test
    void badInputsAreRejectedWithClearMessages() {
        float[][] two = {{1, 0}, {0, 1}};
        float[][] three = {{1, 0}, {0, 1}, {1, 1}};
        boolean[] same2 = {true, false};
        Verification.Options o = Verification.Options.defaults().withFolds(2);

        assertMessage("different lengths", () -> Verification.evaluate(two, three, same2, o));
        assertMessage("different lengths", () -> Verification.evaluate(two, two, new boolean[3], o));
        assertMessage("different lengths",
                () -> Verification.evaluateDistances(new double[] {1, 2, 3}, same2, 2, 1e-3));
        assertMessage("2 pairs for 10 folds",
                () -> Verification.evaluate(two, two, same2, Verification.Options.defaults()));
        assertMessage("3 pairs for 4 folds",
                () -> Verification.evaluateDistances(new double[] {1, 2, 3}, new boolean[3], 4, 1e-3));
        assertMessage("folds must be at least 2", () -> Verification.Options.defaults().withFolds(1));
        assertMessage("folds must be at least 2",
                () -> Verification.evaluateDistances(new double[] {1, 2}, same2, 1, 1e-3));
        assertMessage("farTarget", () -> Verification.Options.defaults().withFarTarget(1.5));
        assertMessage("farTarget", () -> Verification.evaluateDistances(new double[] {1, 2}, same2, 2, Double.NaN));
        assertMessage("pair 1 is NaN",
                () -> Verification.evaluateDistances(new double[] {1, Double.NaN}, same2, 2, 1e-3));
        assertMessage("pair 1 have dimensions 2 and 3",
                () -> Verification.evaluate(two, new float[][] {{1, 0}, {0, 1, 0}}, same2, o));
        assertMessage("pair 0 is NaN", () -> Verification.evaluate(new float[][] {{0, 0}, {1, 0}}, two, same2,
                o.withDistance(Distance.ANGULAR)));
        assertMessage("must not be null", () -> Verification.evaluate(null, two, same2, o));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage() != null && e.getMessage().contains(expected),
                "message '" + e.getMessage() + "' should contain '" + expected + "'");
    }

    // ------------------------------------------------------------------------------------ result types

    @Test
    void rocCsvAndSummary() {
        boolean[] same = new boolean[40];
        VerificationResult r = Verification.evaluateDistances(separableDistances(same), same, 10, 1e-3);
        List<String> lines = r.roc().csvLines();
        assertEquals(401, lines.size());
        assertEquals("threshold,tpr,fpr", lines.get(0));
        assertEquals("0.0,0.0,0.0", lines.get(1));
        assertEquals("3.99,1.0,1.0", lines.get(400));
        String s = r.summary();
        assertTrue(s.contains("Accuracy: 1.00000+-0.00000"), s);
        assertTrue(s.contains("Validation rate: 1.00000+-0.00000 @ FAR=0.10000"), s);
        assertTrue(s.contains("Area Under Curve (AUC): 1.000"), s);
        assertTrue(s.contains("Equal Error Rate (EER): 0.000"), s);
        assertThrows(IllegalArgumentException.class,
                () -> new RocCurve(new double[2], new double[2], new double[3]));
    }
}
