package org.facenet.data;

import java.util.SplittableRandom;

/**
 * Training-time augmentation, applied while resampling to the input size: a random square crop of 85-100% of the
 * image's short side at a random position, a horizontal flip with probability 1/2, a rotation uniform in
 * +-{@code maxRotationDegrees} about the crop's centre (areas outside the image are black). The pixels are rendered
 * by {@link TensorFlowImageDecoder}, the decoder inference uses, so that without augmentation training sees exactly
 * the pixels facenet-embed sees.
 */
public record Augmentation(boolean randomCrop, boolean flip, float maxRotationDegrees) {

  /** No augmentation: the centre square, as at evaluation. */
  public static final Augmentation NONE = new Augmentation(false, false, 0f);

  public Augmentation {
    if (maxRotationDegrees < 0 || maxRotationDegrees > 180) {
      throw new IllegalArgumentException("--random-rotate must be in 0..180 degrees, got " + maxRotationDegrees);
    }
  }

  /**
   * The part of a {@code width x height} image to render: the square of side {@code side} centred at
   * ({@code cx}, {@code cy}) (continuous coordinates, pixel i covering [i, i + 1)), mirrored, then rotated by
   * {@code degrees} (clockwise on screen, y pointing down) about its centre.
   */
  public record View(double side, double cx, double cy, boolean mirror, double degrees) {

    /** The centre square of a {@code width x height} image, unmirrored and unrotated. */
    public static View centre(int width, int height) {
      return new View(Math.min(width, height), width / 2.0, height / 2.0, false, 0);
    }

    /** Whether this is the centre square of a {@code width x height} image, as {@link #centre} gives it. */
    public boolean isCentre(int width, int height) {
      return equals(centre(width, height));
    }
  }

  /** The view of a {@code width x height} image this augmentation draws from {@code random}. */
  public View sample(int width, int height, SplittableRandom random) {
    double side = Math.min(width, height);
    double cx = width / 2.0;
    double cy = height / 2.0;
    if (randomCrop) {
      side *= 0.85 + 0.15 * random.nextDouble();
      cx = side / 2 + random.nextDouble() * (width - side);
      cy = side / 2 + random.nextDouble() * (height - side);
    }
    boolean mirror = flip && random.nextBoolean();
    double degrees = maxRotationDegrees > 0 ? (2 * random.nextDouble() - 1) * maxRotationDegrees : 0;
    return new View(side, cx, cy, mirror, degrees);
  }
}
