package org.facenet.align;

/**
 * A detected face in pixels of the photo: the box corners (x1, y1) - (x2, y2) as facenet's detect_face returns them
 * (after the last box regression, so fractional and possibly a little outside the photo), ONet's score, and the five
 * landmarks in MTCNN's order (the two eyes, the nose, the two mouth corners).
 */
public record Face(double x1, double y1, double x2, double y2, double score, double[] landmarkX, double[] landmarkY) {

  public Face {
    if (landmarkX.length != 5 || landmarkY.length != 5) throw new IllegalArgumentException("five landmarks expected");
  }

  public double width() {
    return x2 - x1;
  }

  public double height() {
    return y2 - y1;
  }
}
