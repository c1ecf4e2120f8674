package org.facenet.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ROC as PNG (log FAR axis; FAR 0 points drawn at its left end) and as CSV points. */
class RocPlotTest {

  @TempDir
  Path dir;

  @Test
  void writesThePngOnALogAxisAndEveryPointToTheCsv() throws Exception {
    // A curve that starts at FAR 0, as every ROC does: a log axis cannot show 0, so the plot must place it.
    RocCurve roc = new RocCurve(new double[] {0, 0.5, 1, 2, 4}, new double[] {0, 0.6, 0.9, 0.99, 1},
        new double[] {0, 0, 0.002, 0.05, 1});
    VerificationResult r = new VerificationResult(0.95, 0.01, 0.6, 0.05, 0.001, 1.1, 0.97, 0.04, 600, 10, roc);
    Path png = dir.resolve("roc.png");
    RocPlot.writePng(png, r, 1e-3, "ROC");
    BufferedImage img = ImageIO.read(png.toFile());
    assertNotNull(img);
    assertEquals(640, img.getWidth());
    assertEquals(520, img.getHeight());
    Path csv = dir.resolve("roc.csv");
    RocPlot.writeCsv(csv, roc);
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    assertEquals(List.of("threshold,tpr,fpr", "0.0,0.0,0.0", "0.5,0.6,0.0", "1.0,0.9,0.002", "2.0,0.99,0.05", "4.0,1.0,1.0"),
        lines);
  }
}
