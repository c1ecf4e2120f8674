package org.facenet.data;

/** One training batch: {@code size} images of {@code imageSize x imageSize x 3} (HWC, 0..255) and their labels. */
public final class Batch {

  public final float[] pixels;
  public final int[] labels;
  public final int size;
  public final int imageSize;

  public Batch(float[] pixels, int[] labels, int size, int imageSize) {
    if (pixels.length != size * imageSize * imageSize * 3 || labels.length != size) {
      throw new IllegalArgumentException("batch of " + size + " images of " + imageSize + " px needs "
          + size * imageSize * imageSize * 3 + " floats and " + size + " labels");
    }
    this.pixels = pixels;
    this.labels = labels;
    this.size = size;
    this.imageSize = imageSize;
  }
}
