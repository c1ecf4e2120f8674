package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {

  static BufferedImage gradient(int size) {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size; y++) for (int x = 0; x < size; x++) img.setRGB(x, y, (x * 255 / (size - 1)) << 16 | (y * 255 / (size - 1)));
    return img;
  }

  @Test
  void noneIsTheCentreCrop() {
    BufferedImage img = gradient(32);
    assertArrayEquals(ImageDecoder.toPixels(img, 16), Augmentation.NONE.apply(img, 16, new SplittableRandom(1)));
  }

  @Test
  void flipMirrorsTheRowsExactly() {
    BufferedImage img = gradient(16);
    Augmentation flipOnly = new Augmentation(false, true, 0f);
    float[] plain = ImageDecoder.toPixels(img, 16);
    SplittableRandom r = new SplittableRandom(3);
    boolean sawFlip = false;
    for (int trial = 0; trial < 20; trial++) {
      float[] out = flipOnly.apply(img, 16, r);
      if (Arrays.equals(out, plain)) continue;
      sawFlip = true;
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
          for (int c = 0; c < 3; c++) {
            assertEquals(plain[(y * 16 + (15 - x)) * 3 + c], out[(y * 16 + x) * 3 + c], 1e-6);
          }
        }
      }
    }
    assertTrue(sawFlip, "20 draws with p=1/2 and never a flip");
  }

  @Test
  void randomCropStaysInsideTheImageAndIsDeterministic() {
    BufferedImage img = gradient(64);
    Augmentation crop = new Augmentation(true, false, 0f);
    float[] a = crop.apply(img, 32, new SplittableRandom(9));
    float[] b = crop.apply(img, 32, new SplittableRandom(9));
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, crop.apply(img, 32, new SplittableRandom(10))));
    // Red grows with x across the crop: a crop of 85-100% never shows black padding on the left edge's right.
    for (int y = 0; y < 32; y++) assertTrue(a[(y * 32 + 31) * 3] > a[(y * 32) * 3], "row " + y);
  }

  @Test
  void rotationIsBoundedAndValidated() {
    assertThrows(IllegalArgumentException.class, () -> new Augmentation(false, false, -1f));
    BufferedImage img = gradient(48);
    float[] centre = ImageDecoder.toPixels(img, 48);
    float[] rotated = new Augmentation(false, false, 10f).apply(img, 48, new SplittableRandom(4));
    // The centre pixel barely moves under a rotation about the centre.
    int c = (24 * 48 + 24) * 3;
    assertEquals(centre[c], rotated[c], 12);
    assertFalse(Arrays.equals(centre, rotated));
  }
}
