package org.facenet.align;

/** A candidate box during detection, in facenet's layout: corners, score, the network's four regressions. */
final class Box {
  double x1;
  double y1;
  double x2;
  double y2;
  double score;
  final double[] reg = new double[4];

  Box(double x1, double y1, double x2, double y2, double score) {
    this.x1 = x1;
    this.y1 = y1;
    this.x2 = x2;
    this.y2 = y2;
    this.score = score;
  }

  Box copy() {
    Box b = new Box(x1, y1, x2, y2, score);
    System.arraycopy(reg, 0, b.reg, 0, 4);
    return b;
  }

  @Override
  public String toString() {
    return String.format("[%.3f %.3f %.3f %.3f %.5f]", x1, y1, x2, y2, score);
  }
}
