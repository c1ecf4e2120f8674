package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {

  private static final Map<String, Double> DIAG = new LinkedHashMap<>(Map.of("accuracy", 0.5));

  static {
    DIAG.put("loss_term", 6.037);
    DIAG.put("regularization", 0.3902);
  }

  private static ProgressDisplay display(boolean terminal, int width) {
    return new ProgressDisplay(new PrintStream(new ByteArrayOutputStream()), terminal, 4800, 10.0, 1200, width);
  }

  @Test
  void liveLineFitsTheTerminalWithEpochAndElapsedTime() {
    // step 1530 of 4 x 1200: epoch 2; 1 hour 3 min of training
    String wide = display(true, 160).format(1530, 6.42741, DIAG, 0.05, 3780, 3790);
    assertEquals("[======              ]  epoch 2/4  step 1530/4800  loss 6.4274  acc 0.500  lr 0.050  0.0 img/s  "
        + "elapsed 1:03:10  ETA 2:14:34", wide);
    String narrow = display(true, 80).format(1530, 6.42741, DIAG, 0.05, 3780, 3790);
    assertTrue(narrow.length() <= 79, narrow.length() + ": " + narrow);
    assertTrue(narrow.contains("step 1530/4800") && narrow.contains("loss 6.4274") && narrow.contains("ETA 2:14:34")
        && narrow.contains("epoch 2/4") && narrow.contains("elapsed 1:03:10"), narrow);
    String tiny = display(true, 40).format(1530, 6.42741, DIAG, 0.05, 3780, 3790);
    assertTrue(tiny.length() <= 39 && tiny.contains("1530/4800") && tiny.contains("2:14:34"), tiny);
  }

  @Test
  void plainLinesStartWithTheStepAndCarryEveryTerm() {
    String plain = display(false, 80).format(1200, 6.42741, DIAG, 0.05, 100, 110);
    assertEquals("step 1200/4800  epoch 1/4  loss 6.4274  acc 0.500  lr 0.050  0.0 img/s  elapsed 1:50  ETA 5:00  "
        + "loss_term 6.037  regularization 0.3902", plain);
  }
}
