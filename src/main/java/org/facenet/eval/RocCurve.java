package org.facenet.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Mean ROC over the cross-validation folds: for each threshold, the mean over folds of the test-fold true positive
 * rate and false positive rate (facenet's {@code calculate_roc}). Arrays are parallel and in threshold order.
 */
public record RocCurve(double[] thresholds, double[] tpr, double[] fpr) {

    public RocCurve {
        if (thresholds == null || tpr == null || fpr == null) {
            throw new IllegalArgumentException("ROC arrays must not be null");
        }
        if (thresholds.length != tpr.length || thresholds.length != fpr.length) {
            throw new IllegalArgumentException("ROC arrays must have equal lengths: thresholds=" + thresholds.length
                    + ", tpr=" + tpr.length + ", fpr=" + fpr.length);
        }
        thresholds = thresholds.clone();
        tpr = tpr.clone();
        fpr = fpr.clone();
    }

    @Override
    public double[] thresholds() {
        return thresholds.clone();
    }

    @Override
    public double[] tpr() {
        return tpr.clone();
    }

    @Override
    public double[] fpr() {
        return fpr.clone();
    }

    /** Number of points (thresholds). */
    public int size() {
        return thresholds.length;
    }

    /** Header line for {@link #csvLines()}. */
    public static final String CSV_HEADER = "threshold,tpr,fpr";

    /**
     * CSV lines (header first, no line terminators): {@code threshold,tpr,fpr} with round-trip precision and
     * {@link Locale#ROOT} formatting.
     */
    public List<String> csvLines() {
        List<String> lines = new ArrayList<>(thresholds.length + 1);
        lines.add(CSV_HEADER);
        for (int i = 0; i < thresholds.length; i++) {
            lines.add(Double.toString(thresholds[i]) + ',' + tpr[i] + ',' + fpr[i]);
        }
        return lines;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RocCurve r && java.util.Arrays.equals(thresholds, r.thresholds)
                && java.util.Arrays.equals(tpr, r.tpr) && java.util.Arrays.equals(fpr, r.fpr);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * java.util.Arrays.hashCode(thresholds) + java.util.Arrays.hashCode(tpr))
                + java.util.Arrays.hashCode(fpr);
    }

    @Override
    public String toString() {
        return "RocCurve[points=" + thresholds.length + "]";
    }
}
