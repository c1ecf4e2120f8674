package org.facenet.align;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The box arithmetic of facenet's detect_face.py (itself a port of the Matlab original, hence its 1-based pixel
 * conventions), written out so that its results are facenet's: generateBoundingBox, nms, bbreg, rerec, pad.
 * TensorFlow's NonMaxSuppression is not used: it measures overlap without MTCNN's "+1" pixel areas and has no
 * "Min" rule.
 */
final class BoxMath {

  /** The overlap measure of {@link #nms}: intersection over union, or over the smaller box. */
  enum Overlap { UNION, MIN }

  private BoxMath() {}

  /** np.fix: rounds toward zero. */
  static double fix(double v) {
    return v < 0 ? Math.ceil(v) : Math.floor(v);
  }

  /**
   * PNet's candidates at one pyramid level (generateBoundingBox): every cell with probability >= {@code threshold}
   * becomes the 12 x 12 window at stride 2 mapped back to the photo, with the cell's regressions. Cells are visited
   * column by column, as facenet's np.where on the transposed map visits them. When exactly one cell passes, facenet
   * (following the Matlab code) reads the regressions with the columns flipped; so does this.
   */
  static List<Box> generate(Mtcnn.PNetResult map, double scale, double threshold) {
    int h = map.height(), w = map.width();
    List<Box> boxes = new ArrayList<>();
    List<int[]> cells = new ArrayList<>();
    for (int c = 0; c < w; c++) {
      for (int r = 0; r < h; r++) {
        if (map.probability()[r * w + c] >= threshold) cells.add(new int[] {r, c});
      }
    }
    boolean flip = cells.size() == 1;
    for (int[] cell : cells) {
      int r = cell[0], c = cell[1];
      Box b = new Box(fix((2.0 * c + 1) / scale), fix((2.0 * r + 1) / scale), fix((2.0 * c + 12) / scale),
          fix((2.0 * r + 12) / scale), map.probability()[r * w + c]);
      int regCell = r * w + (flip ? w - 1 - c : c);
      for (int k = 0; k < 4; k++) b.reg[k] = map.regression()[regCell * 4 + k];
      boxes.add(b);
    }
    return boxes;
  }

  /**
   * Greedy non-maximum suppression as facenet's nms: boxes in order of decreasing score; a box is dropped when its
   * overlap with a kept box exceeds {@code threshold}; areas count pixels inclusively ((x2 - x1 + 1) * (y2 - y1 + 1)).
   * Returns the kept boxes, highest score first.
   */
  static List<Box> nms(List<Box> boxes, double threshold, Overlap overlap) {
    List<Box> order = new ArrayList<>(boxes);
    // np.argsort ascending, then taken from the end: among equal scores the later box comes first
    List<Integer> index = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) index.add(i);
    index.sort(Comparator.<Integer>comparingDouble(i -> order.get(i).score).thenComparingInt(i -> i));
    List<Box> remaining = new ArrayList<>();
    for (int i = index.size() - 1; i >= 0; i--) remaining.add(order.get(index.get(i)));
    List<Box> kept = new ArrayList<>();
    while (!remaining.isEmpty()) {
      Box best = remaining.get(0);
      kept.add(best);
      double bestArea = (best.x2 - best.x1 + 1) * (best.y2 - best.y1 + 1);
      List<Box> next = new ArrayList<>();
      for (int j = 1; j < remaining.size(); j++) {
        Box o = remaining.get(j);
        double iw = Math.max(0.0, Math.min(best.x2, o.x2) - Math.max(best.x1, o.x1) + 1);
        double ih = Math.max(0.0, Math.min(best.y2, o.y2) - Math.max(best.y1, o.y1) + 1);
        double inter = iw * ih;
        double area = (o.x2 - o.x1 + 1) * (o.y2 - o.y1 + 1);
        double ratio = overlap == Overlap.MIN ? inter / Math.min(bestArea, area) : inter / (bestArea + area - inter);
        if (ratio <= threshold) next.add(o);
      }
      remaining = next;
    }
    return kept;
  }

  /** PNet's box regression (facenet's first stage): offsets scaled by the width and height without the "+1". */
  static void regressProposal(Box b) {
    double w = b.x2 - b.x1, h = b.y2 - b.y1;
    double x1 = b.x1 + b.reg[0] * w, y1 = b.y1 + b.reg[1] * h, x2 = b.x2 + b.reg[2] * w, y2 = b.y2 + b.reg[3] * h;
    b.x1 = x1;
    b.y1 = y1;
    b.x2 = x2;
    b.y2 = y2;
  }

  /** bbreg: offsets scaled by the inclusive width and height (x2 - x1 + 1). */
  static void bbreg(Box b, double[] reg) {
    double w = b.x2 - b.x1 + 1, h = b.y2 - b.y1 + 1;
    double x1 = b.x1 + reg[0] * w, y1 = b.y1 + reg[1] * h, x2 = b.x2 + reg[2] * w, y2 = b.y2 + reg[3] * h;
    b.x1 = x1;
    b.y1 = y1;
    b.x2 = x2;
    b.y2 = y2;
  }

  /** rerec: the square on the longer side, centred on the box. */
  static void rerec(Box b) {
    double h = b.y2 - b.y1, w = b.x2 - b.x1, l = Math.max(w, h);
    b.x1 = b.x1 + w * 0.5 - l * 0.5;
    b.y1 = b.y1 + h * 0.5 - l * 0.5;
    b.x2 = b.x1 + l;
    b.y2 = b.y1 + l;
  }

  /** np.fix of the four corners. */
  static void fixCorners(Box b) {
    b.x1 = fix(b.x1);
    b.y1 = fix(b.y1);
    b.x2 = fix(b.x2);
    b.y2 = fix(b.y2);
  }

  /**
   * pad's result for one box (1-based, inclusive, Matlab-style): the crop is {@code tmpw x tmph}; its rows
   * dy..edy and columns dx..edx receive the photo's rows y..ey and columns x..ex; the rest is zero.
   */
  record Pad(int dy, int edy, int dx, int edx, int y, int ey, int x, int ex, int tmpw, int tmph) {}

  /** pad for a box with integer corners in a {@code w x h} photo. */
  static Pad pad(Box b, int w, int h) {
    int tmpw = (int) (b.x2 - b.x1 + 1), tmph = (int) (b.y2 - b.y1 + 1);
    int dx = 1, dy = 1, edx = tmpw, edy = tmph;
    int x = (int) b.x1, y = (int) b.y1, ex = (int) b.x2, ey = (int) b.y2;
    if (ex > w) {
      edx = -ex + w + tmpw;
      ex = w;
    }
    if (ey > h) {
      edy = -ey + h + tmph;
      ey = h;
    }
    if (x < 1) {
      dx = 2 - x;
      x = 1;
    }
    if (y < 1) {
      dy = 2 - y;
      y = 1;
    }
    return new Pad(dy, edy, dx, edx, y, ey, x, ex, tmpw, tmph);
  }
}
