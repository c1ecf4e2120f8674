package org.facenet.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/** facenet's box arithmetic on hand-derived cases. */
class BoxMathTest {

  private static Box box(double x1, double y1, double x2, double y2, double score) {
    return new Box(x1, y1, x2, y2, score);
  }

  private static double[] corners(Box b) {
    return new double[] {b.x1, b.y1, b.x2, b.y2};
  }

  @Test
  void nmsUnionCountsPixelsInclusively() {
    Box a = box(0, 0, 9, 9, 0.9); // 10 x 10 = 100 pixels
    Box b = box(1, 0, 10, 9, 0.8); // overlaps a in 9 x 10 = 90: IoU 90 / 110 = 0.818
    Box c = box(20, 20, 29, 29, 0.95);
    List<Box> kept = BoxMath.nms(List.of(a, b, c), 0.7, BoxMath.Overlap.UNION);
    assertEquals(2, kept.size());
    assertSame(c, kept.get(0));
    assertSame(a, kept.get(1));
    List<Box> loose = BoxMath.nms(List.of(a, b, c), 0.85, BoxMath.Overlap.UNION);
    assertEquals(List.of(c, a, b), loose);
  }

  @Test
  void nmsMinDividesByTheSmallerBox() {
    Box a = box(0, 0, 9, 9, 0.9);
    Box inner = box(2, 2, 5, 5, 0.5); // 16 pixels, all inside a: Min overlap 1.0, IoU 0.16
    assertEquals(List.of(a), BoxMath.nms(List.of(inner, a), 0.7, BoxMath.Overlap.MIN));
    assertEquals(List.of(a, inner), BoxMath.nms(List.of(inner, a), 0.7, BoxMath.Overlap.UNION));
    assertEquals(List.of(), BoxMath.nms(List.of(), 0.7, BoxMath.Overlap.UNION));
  }

  @Test
  void bbregScalesByInclusiveSize() {
    Box b = box(10, 20, 29, 59, 1); // w = 20, h = 40
    BoxMath.bbreg(b, new double[] {0.1, -0.05, 0.2, 0.1});
    assertArrayEquals(new double[] {12, 18, 33, 63}, corners(b), 1e-12);
  }

  @Test
  void proposalRegressionScalesByExclusiveSize() {
    Box b = box(10, 20, 29, 59, 1); // w = 19, h = 39 in facenet's first stage
    System.arraycopy(new double[] {0.1, -0.05, 0.2, 0.1}, 0, b.reg, 0, 4);
    BoxMath.regressProposal(b);
    assertArrayEquals(new double[] {11.9, 18.05, 32.8, 62.9}, corners(b), 1e-12);
  }

  @Test
  void rerecSquaresOnTheLongerSide() {
    Box b = box(10, 20, 30, 60, 1); // w 20, h 40
    BoxMath.rerec(b);
    assertArrayEquals(new double[] {0, 20, 40, 60}, corners(b), 1e-12);
    Box wide = box(0, 0, 9, 3, 1); // w 9, h 3
    BoxMath.rerec(wide);
    assertArrayEquals(new double[] {0, -3, 9, 6}, corners(wide), 1e-12);
  }

  @Test
  void fixRoundsTowardZero() {
    assertEquals(-3, BoxMath.fix(-3.7));
    assertEquals(3, BoxMath.fix(3.7));
    Box b = box(-0.5, 1.9, 10.2, -2.2, 1);
    BoxMath.fixCorners(b);
    assertArrayEquals(new double[] {0, 1, 10, -2}, corners(b), 0);
  }

  @Test
  void padIsOneBasedAndClipsToThePhoto() {
    // 20 x 20 box sticking out left (x1 = -3) and right (x2 = 16) of a 15 x 30 photo
    BoxMath.Pad p = BoxMath.pad(box(-3, 5, 16, 24, 1), 15, 30);
    assertEquals(new BoxMath.Pad(1, 20, 5, 19, 5, 24, 1, 15, 20, 20), p);
    // crop columns 5..19 (15) take photo columns 1..15 (15); rows 1..20 take photo rows 5..24
    assertEquals(p.edx() - p.dx(), p.ex() - p.x());
    assertEquals(p.edy() - p.dy(), p.ey() - p.y());
    // bottom overflow and top underflow
    BoxMath.Pad q = BoxMath.pad(box(2, -1, 11, 8, 1), 50, 6);
    assertEquals(new BoxMath.Pad(3, 8, 1, 10, 1, 6, 2, 11, 10, 10), q); // rows 3..8 <- photo rows 1..6
  }

  @Test
  void generateMapsCellsToWindowsColumnByColumn() {
    int h = 3, w = 4;
    float[] prob = new float[h * w];
    float[] reg = new float[h * w * 4];
    for (int i = 0; i < reg.length; i++) reg[i] = i / 100f;
    prob[1 * w + 2] = 0.9f; // row 1, column 2
    prob[2 * w + 0] = 0.7f; // row 2, column 0: first, being in an earlier column
    List<Box> boxes = BoxMath.generate(new Mtcnn.PNetResult(h, w, prob, reg), 0.5, 0.6);
    assertEquals(2, boxes.size());
    // (2c + 1) / s, (2r + 1) / s, (2c + 12) / s, (2r + 12) / s, truncated
    assertArrayEquals(new double[] {2, 10, 24, 32}, corners(boxes.get(0)), 0);
    assertArrayEquals(new double[] {10, 6, 32, 28}, corners(boxes.get(1)), 0);
    assertEquals(0.9f, boxes.get(1).score, 0);
    assertArrayEquals(new double[] {0.24, 0.25, 0.26, 0.27}, boxes.get(1).reg, 1e-6); // cell 6's four values
  }

  @Test
  void generateWithOneCellReadsFlippedRegressionsAsFacenet() {
    int h = 3, w = 4;
    float[] prob = new float[h * w];
    float[] reg = new float[h * w * 4];
    for (int i = 0; i < reg.length; i++) reg[i] = i / 100f;
    prob[1 * w + 0] = 0.9f; // the only cell: row 1, column 0; facenet reads the regressions of row 1, column 3
    List<Box> boxes = BoxMath.generate(new Mtcnn.PNetResult(h, w, prob, reg), 1.0, 0.6);
    assertEquals(1, boxes.size());
    assertArrayEquals(new double[] {1, 3, 12, 14}, corners(boxes.get(0)), 0);
    assertArrayEquals(new double[] {0.28, 0.29, 0.30, 0.31}, boxes.get(0).reg, 1e-6); // cell 7
  }
}
