package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.facenet.eval.VerificationResult;
import org.junit.jupiter.api.Test;

/** The choice between the averaged and the trained weights is made on the figures the run prints. */
class FinalWeightsTest {

  private static VerificationResult result(double accuracy, double val) {
    return new VerificationResult(accuracy, 0, val, 0, 0, 0, 0, 0, 10, 2, null);
  }

  @Test
  void higherAccuracyWinsThenValDecides() {
    assertTrue(FinalWeights.averagesWin(result(0.91, 0.1), result(0.90, 0.9)));
    assertFalse(FinalWeights.averagesWin(result(0.90, 0.9), result(0.91, 0.1)));
    assertTrue(FinalWeights.averagesWin(result(0.90, 0.5), result(0.90, 0.4)));
    assertFalse(FinalWeights.averagesWin(result(0.90, 0.4), result(0.90, 0.5)));
    assertTrue(FinalWeights.averagesWin(result(0.90, 0.5), result(0.90, 0.5)), "a full tie keeps the averages");
  }

  @Test
  void aDifferenceBelowThePrintedDecimalsIsATie() {
    // (0.0 + 0.3) / 2 and (0.1 + 0.2) / 2: two folds' accuracies with the same mean, one ulp apart.
    double a = (0.0 + 0.3) / 2, b = (0.1 + 0.2) / 2;
    assertTrue(a != b, "the two means differ in the last bit");
    double lower = Math.min(a, b), higher = Math.max(a, b);
    // The averages' accuracy is the lower one, but as printed the two are equal, so VAL decides: the averages' is higher.
    assertTrue(FinalWeights.averagesWin(result(lower, 0.6), result(higher, 0.5)));
    assertFalse(FinalWeights.averagesWin(result(higher, 0.5), result(lower, 0.6)));
    assertTrue(FinalWeights.averagesWin(result(0.90004, 0.1), result(0.90001, 0.1)), "both print 0.9000: tie, VAL equal");
    assertFalse(FinalWeights.averagesWin(result(0.9000, 0.1), result(0.90006, 0.1)), "0.9000 against 0.9001");
  }
}
