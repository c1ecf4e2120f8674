package org.facenet.data;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * Training-time augmentation, applied while resampling to the input size (one transform, one resampling):
 * a random square crop of 85-100% of the image's short side at a random position, a horizontal flip with
 * probability 1/2, a rotation uniform in +-{@code maxRotationDegrees}.
 */
public record Augmentation(boolean randomCrop, boolean flip, float maxRotationDegrees) {

  /** No augmentation: the centre square, as at evaluation. */
  public static final Augmentation NONE = new Augmentation(false, false, 0f);

  public Augmentation {
    if (maxRotationDegrees < 0 || maxRotationDegrees > 180) {
      throw new IllegalArgumentException("--random-rotate must be in 0..180 degrees, got " + maxRotationDegrees);
    }
  }

  /** {@code img} augmented and resized to {@code size x size}, HWC RGB floats 0..255. */
  public float[] apply(BufferedImage img, int size, SplittableRandom random) {
    double fraction = 1.0;
    double cx = img.getWidth() / 2.0;
    double cy = img.getHeight() / 2.0;
    if (randomCrop) {
      fraction = 0.85 + 0.15 * random.nextDouble();
      double side = Math.min(img.getWidth(), img.getHeight()) * fraction;
      cx = side / 2 + random.nextDouble() * (img.getWidth() - side);
      cy = side / 2 + random.nextDouble() * (img.getHeight() - side);
    }
    boolean mirror = flip && random.nextBoolean();
    double degrees = maxRotationDegrees > 0 ? (2 * random.nextDouble() - 1) * maxRotationDegrees : 0;
    return ImageDecoder.render(img, size, fraction, cx, cy, mirror, degrees);
  }
}
