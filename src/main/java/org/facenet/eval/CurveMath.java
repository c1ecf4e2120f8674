package org.facenet.eval;

import java.util.Arrays;

/**
 * The curve arithmetic of facenet's evaluation, each as the library facenet calls computes it: scipy's
 * {@code interp1d(kind='slinear')} (the VAL@FAR threshold), sklearn's {@code auc} and the EER root that
 * {@code validate_on_lfw.py} finds with brentq. Used by {@link Verification}; the semantics are in its class comment.
 */
final class CurveMath {

    private CurveMath() {}

    /**
     * {@code interp1d(x, y, kind='slinear')(q)} as computed by the degree-1 B-spline with knots
     * {@code r_[x[0], x, x[-1]]} (see {@link Verification}'s class comment for repeated x). Points are stably sorted
     * by x first, as interp1d does. Returns NaN when q is outside [min x, max x].
     */
    static double slinearInterp(double[] x, double[] y, double q) {
        double[][] sorted = stableSortByX(x, y);
        double[] xs = sorted[0];
        double[] ys = sorted[1];
        int n = xs.length;
        if (!(q >= xs[0] && q <= xs[n - 1])) {
            return Double.NaN;
        }
        int j = countAtOrBelow(xs, q) - 1; // last index with xs[j] <= q
        if (j >= n - 1) {
            return ys[n - 1];
        }
        // xs[j] <= q < xs[j + 1]; de Boor recursion for k = 1 as in scipy's _deBoor_D
        double xa = xs[j];
        double xb = xs[j + 1];
        double w = 1.0 / (xb - xa);
        return ys[j] * (w * (xb - q)) + ys[j + 1] * (w * (q - xa));
    }

    static int countAtOrBelow(double[] sorted, double q) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= q) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double[][] stableSortByX(double[] x, double[] y) {
        boolean sorted = true;
        for (int i = 1; i < x.length && sorted; i++) {
            sorted = x[i - 1] <= x[i];
        }
        if (sorted) {
            return new double[][] {x, y};
        }
        Integer[] idx = new Integer[x.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (p, q) -> Double.compare(x[p], x[q])); // merge sort: stable
        double[] xs = new double[x.length];
        double[] ys = new double[x.length];
        for (int i = 0; i < idx.length; i++) {
            xs[i] = x[idx[i]];
            ys[i] = y[idx[i]];
        }
        return new double[][] {xs, ys};
    }

    /** {@code sklearn.metrics.auc(fpr, tpr)}: trapezoid rule in the given order, sign fixed for decreasing x. */
    static double auc(double[] x, double[] y) {
        boolean anyDecrease = false;
        boolean anyIncrease = false;
        double area = 0.0;
        for (int i = 1; i < x.length; i++) {
            double dx = x[i] - x[i - 1];
            anyDecrease |= dx < 0;
            anyIncrease |= dx > 0;
            area += dx * (y[i] + y[i - 1]) / 2.0;
        }
        if (anyDecrease && anyIncrease) {
            throw new IllegalStateException("x is neither increasing nor decreasing"); // impossible for a mean ROC
        }
        return anyDecrease ? -area : area;
    }

    /**
     * Root of {@code 1 - x - interp(fpr, tpr)(x)} on [0, 1] where interp is right-continuous linear interpolation
     * (np.interp); NaN when the curve does not reach the root.
     */
    static double eer(double[] fpr, double[] tpr) {
        double[][] sorted = stableSortByX(fpr, tpr);
        double[] xs = sorted[0];
        double[] ys = sorted[1];
        int n = xs.length;
        if (n == 0 || xs[0] > 0.0) {
            return Double.NaN;
        }
        // runs of equal x: value at the run's x is the last y of the run; coming from the left, the first y
        int i = 0;
        double prevX = Double.NaN;
        double prevG = Double.NaN;
        while (i < n) {
            int runEnd = i;
            while (runEnd + 1 < n && xs[runEnd + 1] == xs[i]) {
                runEnd++;
            }
            double x = xs[i];
            double gLeft = 1.0 - x - ys[i];
            double gAt = 1.0 - x - ys[runEnd];
            if (i > 0 && gLeft <= 0.0) {
                // prevG > 0: the root lies on the segment (prevX, x]
                if (gLeft == 0.0) {
                    return x;
                }
                return prevX + prevG * (x - prevX) / (prevG - gLeft);
            }
            if (gAt <= 0.0) {
                return x; // zero at x, or downward jump through zero at x
            }
            prevX = x;
            prevG = gAt;
            i = runEnd + 1;
        }
        return Double.NaN;
    }
}
