package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The augmentation as the training path renders it: {@link TensorFlowImageDecoder} with an {@link Augmentation}. */
class AugmentationTest {

  @TempDir
  Path dir;

  static BufferedImage gradient(int size) {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size; y++) for (int x = 0; x < size; x++) img.setRGB(x, y, (x * 255 / (size - 1)) << 16 | (y * 255 / (size - 1)));
    return img;
  }

  private static float[] render(TensorFlowImageDecoder d, Path file, Augmentation a, SplittableRandom r) throws Exception {
    float[] out = new float[d.size() * d.size() * 3];
    d.decodeInto(file, out, 0, a, r);
    return out;
  }

  @Test
  void noneIsTheCentreSquareExactlyAsInference() throws Exception {
    Path file = TestImages.png(dir.resolve("g.png"), gradient(32));
    try (TensorFlowImageDecoder d = new TensorFlowImageDecoder(16)) {
      assertArrayEquals(d.decode(file), render(d, file, Augmentation.NONE, new SplittableRandom(1)));
    }
  }

  @Test
  void flipMirrorsTheRowsExactly() throws Exception {
    Path file = TestImages.png(dir.resolve("g.png"), gradient(16));
    Augmentation flipOnly = new Augmentation(false, true, 0f);
    try (TensorFlowImageDecoder d = new TensorFlowImageDecoder(16)) {
      float[] plain = d.decode(file);
      SplittableRandom r = new SplittableRandom(3);
      boolean sawFlip = false;
      for (int trial = 0; trial < 20; trial++) {
        float[] out = render(d, file, flipOnly, r);
        if (Arrays.equals(out, plain)) continue;
        sawFlip = true;
        for (int y = 0; y < 16; y++) {
          for (int x = 0; x < 16; x++) {
            for (int c = 0; c < 3; c++) assertEquals(plain[(y * 16 + (15 - x)) * 3 + c], out[(y * 16 + x) * 3 + c], 1e-4);
          }
        }
      }
      assertTrue(sawFlip, "20 draws with p=1/2 and never a flip");
    }
  }

  @Test
  void randomCropIsTheDrawnSquareResampledAsAFloat64TriangleFilterDoesAndIsDeterministic() throws Exception {
    Random rnd = new Random(2);
    BufferedImage img = new BufferedImage(64, 50, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 50; y++) for (int x = 0; x < 64; x++) img.setRGB(x, y, rnd.nextInt(1 << 24));
    Path file = TestImages.png(dir.resolve("noise.png"), img);
    Augmentation crop = new Augmentation(true, false, 0f);
    try (TensorFlowImageDecoder d = new TensorFlowImageDecoder(20)) {
      for (long seed = 1; seed <= 3; seed++) {
        float[] a = render(d, file, crop, new SplittableRandom(seed));
        assertArrayEquals(a, render(d, file, crop, new SplittableRandom(seed)), "same seed, same crop");
        Augmentation.View v = crop.sample(64, 50, new SplittableRandom(seed));
        assertTrue(v.side() >= 0.85 * 50 - 1e-9 && v.side() <= 50, "side " + v.side());
        assertTrue(v.cx() - v.side() / 2 >= 0 && v.cx() + v.side() / 2 <= 64, "inside horizontally");
        assertTrue(v.cy() - v.side() / 2 >= 0 && v.cy() + v.side() / 2 <= 50, "inside vertically");
        double[] expected = TensorFlowImageDecoderTest.triangleResample(TestImages.pixels(img), 64, 50, 20, v.side(),
            v.cx() - v.side() / 2, v.cy() - v.side() / 2);
        for (int i = 0; i < a.length; i++) assertEquals(expected[i], a[i], 0.05, "seed " + seed + " value " + i);
      }
      assertFalse(Arrays.equals(render(d, file, crop, new SplittableRandom(1)), render(d, file, crop, new SplittableRandom(2))));
    }
  }

  @Test
  void rotationBy90And180DegreesMovesEachPixelWhereTheRotationPutsIt() throws Exception {
    Random rnd = new Random(4);
    BufferedImage img = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 12; y++) for (int x = 0; x < 12; x++) img.setRGB(x, y, rnd.nextInt(1 << 24));
    Path file = TestImages.png(dir.resolve("r.png"), img);
    float[] src = TestImages.pixels(img);
    try (TensorFlowImageDecoder d = new TensorFlowImageDecoder(12)) {
      for (double deg : new double[] {90, 180}) {
        Augmentation.View v = new Augmentation.View(12, 6, 6, false, deg);
        float[] out = new float[12 * 12 * 3];
        d.decodeInto(file, out, 0, (w, h) -> v);
        for (int oy = 0; oy < 12; oy++) {
          for (int ox = 0; ox < 12; ox++) {
            // y points down: +90 degrees takes input (x, y) to output (11 - y, x); 180 to (11 - x, 11 - y)
            int ix = deg == 90 ? oy : 11 - ox;
            int iy = deg == 90 ? 11 - ox : 11 - oy;
            for (int c = 0; c < 3; c++) {
              assertEquals(src[(iy * 12 + ix) * 3 + c], out[(oy * 12 + ox) * 3 + c], 1e-2, deg + " deg at " + ox + "," + oy);
            }
          }
        }
      }
    }
  }

  @Test
  void aSmallRotationKeepsTheCentreAndBlackensNothingInsideTheImage() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> new Augmentation(false, false, -1f));
    Path file = TestImages.png(dir.resolve("g.png"), gradient(48));
    try (TensorFlowImageDecoder d = new TensorFlowImageDecoder(48)) {
      float[] centre = d.decode(file);
      float[] rotated = render(d, file, new Augmentation(false, false, 10f), new SplittableRandom(4));
      int c = (24 * 48 + 24) * 3;
      assertEquals(centre[c], rotated[c], 12, "the centre pixel barely moves under a rotation about the centre");
      assertFalse(Arrays.equals(centre, rotated));
    }
  }
}
