package org.facenet.align;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** facenet's choice of face and crop rectangle (hand-derived), and the crop's resampling. */
class FaceCropperTest {

  private static Face face(double x1, double y1, double x2, double y2) {
    return new Face(x1, y1, x2, y2, 1, new double[5], new double[5]);
  }

  @Test
  void choosesTheLargestFaceNearTheCentre() {
    // 200 x 100 photo, centre (100, 50). Big face 60 x 60 centred at (170, 50): 3600 - 2 * 4900 < 0.
    // Small face 30 x 30 centred at (100, 50): 900 - 0 = 900.
    List<Face> faces = List.of(face(140, 20, 200, 80), face(85, 35, 115, 65));
    assertEquals(1, DatasetAligner.choose(faces, 200, 100));
    // closer, the big one wins: centre (120, 50): 3600 - 2 * 400 = 2800
    assertEquals(0, DatasetAligner.choose(List.of(face(90, 20, 150, 80), face(85, 35, 115, 65)), 200, 100));
  }

  @Test
  void cropWidensByHalfTheMarginClipsAndTruncates() {
    assertEquals(new FaceCropper.Crop(58, 45, 189, 209),
        FaceCropper.crop(face(74.3972, 61.564, 173.2299, 193.8453), 32, 250, 250));
    assertEquals(new FaceCropper.Crop(0, 0, 250, 240), FaceCropper.crop(face(10.5, 3, 240, 220.2), 44, 250, 240));
  }

  @Test
  void resizeAtScaleOneCopiesAndAveragesWhenShrinking() {
    Random random = new Random(7);
    byte[] rgb = new byte[40 * 30 * 3];
    random.nextBytes(rgb);
    RgbImage photo = new RgbImage(40, 30, rgb);
    try (FaceCropper same = new FaceCropper(16)) {
      RgbImage copy = same.resize(photo, new FaceCropper.Crop(5, 7, 21, 23));
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
          for (int c = 0; c < 3; c++) assertEquals(photo.get(7 + y, 5 + x, c), copy.get(y, x, c));
        }
      }
      // 32 x 32 of 2 x 2 blocks of one value each -> halving gives the block values
      byte[] blocks = new byte[32 * 32 * 3];
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          for (int c = 0; c < 3; c++) blocks[(y * 32 + x) * 3 + c] = (byte) (((y / 2) * 16 + x / 2 + c * 7) & 0xFF);
        }
      }
      RgbImage half = same.resize(new RgbImage(32, 32, blocks), new FaceCropper.Crop(0, 0, 32, 32));
      // the triangle filter at scale 1/2 spans input pixels 9..12 with weights 1/8, 3/8, 3/8, 1/8: blocks 4, 5, 5, 6,
      // whose weighted mean is block 5's value, as the values grow linearly with the block
      assertEquals(5 * 16 + 5, half.get(5, 5, 0));
      assertEquals(5 * 16 + 9 + 7, half.get(5, 9, 1));
    }
  }
}
