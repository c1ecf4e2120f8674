package org.facenet.eval;

import java.util.Locale;

/**
 * LFW-style verification metrics, as printed by facenet's {@code validate_on_lfw.py}.
 *
 * @param accuracyMean      mean over folds of the test-fold accuracy at the threshold chosen on the training folds
 * @param accuracyStd       population standard deviation (np.std) of the per-fold accuracies
 * @param valMean           mean over folds of the validation rate (TAR) at the threshold interpolated for farTarget
 * @param valStd            population standard deviation of the per-fold validation rates
 * @param farMean           mean over folds of the test-fold false accept rate at that threshold
 * @param bestThresholdMean mean of the per-fold accuracy thresholds chosen on the training folds
 * @param auc               area under the mean ROC curve (trapezoid rule, points in threshold order)
 * @param eer               equal error rate: the fpr at which 1 - tpr == fpr on the linearly interpolated mean ROC
 *                          (NaN if the ROC does not reach that point)
 * @param pairs             number of pairs evaluated
 * @param folds             number of cross-validation folds
 * @param roc               the mean ROC curve over the accuracy thresholds 0, 0.01, ..., 3.99
 */
public record VerificationResult(double accuracyMean, double accuracyStd, double valMean, double valStd,
        double farMean, double bestThresholdMean, double auc, double eer, int pairs, int folds, RocCurve roc) {

    /** Human-readable multi-line summary in the style of facenet's validate_on_lfw.py output. */
    public String summary() {
        return String.format(Locale.ROOT,
                "Pairs: %d, folds: %d%n"
                        + "Accuracy: %2.5f+-%2.5f%n"
                        + "Validation rate: %2.5f+-%2.5f @ FAR=%2.5f%n"
                        + "Best threshold (mean over folds): %.4f%n"
                        + "Area Under Curve (AUC): %1.3f%n"
                        + "Equal Error Rate (EER): %1.3f",
                pairs, folds, accuracyMean, accuracyStd, valMean, valStd, farMean, bestThresholdMean, auc, eer);
    }
}
