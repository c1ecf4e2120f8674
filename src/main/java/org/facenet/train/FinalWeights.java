package org.facenet.train;

import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.facenet.eval.PairsEvaluation;
import org.facenet.eval.VerificationResult;
import org.tensorflow.Session;

/** Which weights a run with moving averages exports (issue 16): the averaged ones when they verify better. */
final class FinalWeights {

  private FinalWeights() {}

  /**
   * Whether the moving averages of the weights are what to export: without held-out pairs, yes (facenet's choice);
   * with them, when they verify the pairs better than the trained weights (accuracy, then VAL@FAR=1e-3, to the four decimals
   * printed), said in a line.
   */
  static boolean averagesAreBetter(Session session, TrainingGraph g, PairsEvaluation.HeldOutPairs heldOut,
      int imageSize, ProgressDisplay progress, Set<String> warned) {
    if (heldOut == null) {
      progress.message("final weights: the moving averages (no held-out pairs to compare them with the trained weights)");
      return true;
    }
    Consumer<String> warnings = msg -> { if (warned.add(msg)) progress.message("warning: " + msg); };
    long t0 = System.nanoTime();
    VerificationResult trained = heldOut.evaluate(imageSize, warnings, pixels -> SessionSteps.embed(session, g, pixels, imageSize))
        .results().get(0);
    VerificationResult averaged = g.movingAverages.withAverages(session, g.graph,
        () -> heldOut.evaluate(imageSize, warnings, pixels -> SessionSteps.embed(session, g, pixels, imageSize))).results().get(0);
    progress.exclude(System.nanoTime() - t0);
    boolean better = averagesWin(averaged, trained);
    progress.message(String.format(Locale.ROOT, "final weights: held-out accuracy %.4f (VAL@FAR=1e-3 %.4f) with the "
        + "moving averages, %.4f (%.4f) with the trained weights: exporting the %s", averaged.accuracyMean(),
        averaged.valMean(), trained.accuracyMean(), trained.valMean(), better ? "moving averages" : "trained weights"));
    return better;
  }

  /**
   * Whether the averaged weights win, compared as the line prints them: a difference below the fourth decimal (say the
   * mean of the same fold accuracies summed in another order) is a tie, so the line says the choice its figures imply.
   */
  static boolean averagesWin(VerificationResult averaged, VerificationResult trained) {
    double avgAcc = shown(averaged.accuracyMean()), trAcc = shown(trained.accuracyMean());
    return avgAcc > trAcc || avgAcc == trAcc && shown(averaged.valMean()) >= shown(trained.valMean());
  }

  /** A figure as the line prints it (four decimals). */
  static double shown(double x) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.4f", x));
  }
}
