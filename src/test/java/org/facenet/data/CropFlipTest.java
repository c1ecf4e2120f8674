package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Java crop + flip of a cached image against TensorFlow's rendering of the same view: the same floats, exactly. */
class CropFlipTest {

  @Test
  void randomCropsAndFlipsGiveTensorFlowsFloatsExactlyWhenUpAndDownScaling() {
    SplittableRandom r = new SplittableRandom(5);
    Augmentation aug = new Augmentation(true, true, 0f);
    int size = 24;
    try (TensorFlowImageDecoder d = new TensorFlowImageDecoder(size)) {
      int[][] sizes = {{7, 5}, {24, 24}, {31, 17}, {17, 50}, {96, 96}, {200, 150}};
      for (int[] wh : sizes) {
        byte[] rgb = new byte[wh[0] * wh[1] * 3];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) r.nextInt(256);
        DecodedImage im = new DecodedImage(rgb, wh[0], wh[1]);
        int mirrored = 0;
        for (int t = 0; t < 40; t++) {
          Augmentation.View v = aug.sample(im.width(), im.height(), r);
          assertTrue(CropFlip.handles(v, im.width(), im.height()));
          if (v.mirror()) mirrored++;
          float[] byTf = new float[size * size * 3];
          float[] byJava = new float[size * size * 3 + 5];
          d.renderInto(null, im, byTf, 0, (w, h) -> v);
          CropFlip.render(im, v, size, byJava, 5);
          assertArrayEquals(byTf, java.util.Arrays.copyOfRange(byJava, 5, byJava.length), wh[0] + "x" + wh[1] + " " + v);
        }
        assertTrue(mirrored > 5 && mirrored < 35, "both flips drawn");
      }
    } catch (BadImageException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void rotationsAndTheCentreSquareStayWithTensorFlow() {
    assertFalse(CropFlip.handles(new Augmentation.View(10, 5, 5, false, 3), 10, 10));
    assertFalse(CropFlip.handles(Augmentation.View.centre(12, 10), 12, 10));
    assertTrue(CropFlip.handles(new Augmentation.View(9, 5, 5, true, 0), 12, 10));
  }
}
