package org.facenet.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The five-landmark similarity onto insightface's template: its estimate and the warp's geometry. */
class SimilarityAlignerTest {

  private static SimilarityAligner aligner;

  @BeforeAll
  static void open() {
    aligner = new SimilarityAligner(112);
  }

  @AfterAll
  static void close() {
    aligner.close();
  }

  private static Face faceAt(double[][] points) {
    double[] x = new double[5], y = new double[5];
    for (int i = 0; i < 5; i++) {
      x[i] = points[i][0];
      y[i] = points[i][1];
    }
    return new Face(0, 0, 1, 1, 1, x, y);
  }

  @Test
  void estimateRecoversAKnownSimilarity() {
    Random random = new Random(3);
    double s = 1.7, theta = 0.4, tx = -12.5, ty = 30.25;
    double a = s * Math.cos(theta), b = s * Math.sin(theta);
    double[][] src = new double[5][], dst = new double[5][];
    for (int i = 0; i < 5; i++) {
      double x = random.nextDouble() * 100, y = random.nextDouble() * 100;
      src[i] = new double[] {x, y};
      dst[i] = new double[] {a * x - b * y + tx, b * x + a * y + ty};
    }
    assertArrayEquals(new double[] {a, -b, tx, b, a, ty}, SimilarityAligner.similarity(src, dst), 1e-9);
  }

  @Test
  void templateIsInsightfacesAndScalesAsEstimateNorm() {
    assertArrayEquals(new double[] {38.2946, 51.6963}, SimilarityAligner.template(112)[0], 1e-12);
    assertArrayEquals(new double[] {70.7299 * 2, 92.2041 * 2}, SimilarityAligner.template(224)[4], 1e-12);
    assertArrayEquals(new double[] {73.5318 + 8, 51.5014}, SimilarityAligner.template(128)[1], 1e-12); // ratio 1, +8
    assertThrows(IllegalArgumentException.class, () -> new SimilarityAligner(100));
  }

  @Test
  void warpSamplesThePhotoWhereTheLandmarksSay() {
    Random random = new Random(4);
    byte[] rgb = new byte[150 * 130 * 3];
    random.nextBytes(rgb);
    RgbImage photo = new RgbImage(150, 130, rgb);
    // landmarks exactly on the template: the identity, the crop is the photo's top-left 112 x 112
    RgbImage same = aligner.align(photo, faceAt(SimilarityAligner.template(112)));
    // landmarks 10 px right and 25 px down: crop (y, x) = photo (y + 25, x + 10), black past the photo's bottom
    double[][] moved = SimilarityAligner.template(112);
    for (double[] p : moved) {
      p[0] += 10;
      p[1] += 25;
    }
    RgbImage shifted = aligner.align(photo, faceAt(moved));
    for (int y = 0; y < 112; y++) {
      for (int x = 0; x < 112; x++) {
        for (int c = 0; c < 3; c++) {
          assertEquals(photo.get(y, x, c), same.get(y, x, c));
          int expected = y + 25 < 130 ? photo.get(y + 25, x + 10, c) : 0;
          assertEquals(expected, shifted.get(y, x, c), "at " + y + "," + x);
        }
      }
    }
  }

  @Test
  void warpHalvesAFaceTwiceTheTemplatesSize() {
    // landmarks at twice the template's coordinates: crop (y, x) samples photo (2y, 2x)
    byte[] rgb = new byte[240 * 240 * 3];
    for (int y = 0; y < 240; y++) {
      for (int x = 0; x < 240; x++) rgb[(y * 240 + x) * 3] = (byte) ((x + y) % 256);
    }
    double[][] big = SimilarityAligner.template(112);
    for (double[] p : big) {
      p[0] *= 2;
      p[1] *= 2;
    }
    RgbImage out = aligner.align(new RgbImage(240, 240, rgb), faceAt(big));
    assertEquals((2 * 30 + 2 * 40) % 256, out.get(30, 40, 0));
    assertEquals((2 * 100 + 2 * 7) % 256, out.get(100, 7, 0));
  }
}
