package org.facenet.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole detector: the pyramid, and one real photo against facenet's own detect_face output. */
class FaceDetectorTest {

  private static FaceDetector detector;

  @BeforeAll
  static void open() {
    detector = new FaceDetector();
  }

  @AfterAll
  static void close() {
    detector.close();
  }

  static Path resource(String name) throws Exception {
    return Path.of(FaceDetectorTest.class.getResource(name).toURI());
  }

  @Test
  void pyramidIsFacenets() {
    // 250 px, min size 20: m = 0.6; the shorter side times the scale: 150, 106.4, 75.4, 53.5, 37.9, 26.9, 19.1, 13.5
    List<Double> scales = FaceDetector.scales(250, 300, 20, 0.709);
    assertEquals(8, scales.size());
    for (int k = 0; k < 8; k++) assertEquals(0.6 * Math.pow(0.709, k), scales.get(k), 1e-15);
    assertEquals(List.of(), FaceDetector.scales(19, 500, 20, 0.709)); // 19 * 0.6 < 12: nothing to search
  }

  @Test
  void findsFacenetsFaceInAnLfwPhoto() throws Exception {
    try (PhotoDecoder decoder = new PhotoDecoder(25_000_000)) {
      PhotoDecoder.Decoded photo = decoder.decode(resource("Anthony_Hopkins_0001.jpg"));
      assertEquals(1.0, photo.scale());
      List<Face> faces = detector.detect(photo.image());
      assertEquals(1, faces.size());
      Face f = faces.get(0);
      // facenet's detect_face.py on the same pixels (TensorFlow's DecodeImage), through tools/mtcnn_compare.py
      assertArrayEquals(new double[] {74.3972199261, 61.5640042052, 173.2299423367, 193.8453240693},
          new double[] {f.x1(), f.y1(), f.x2(), f.y2()}, 1e-3);
      assertEquals(0.9999082088, f.score(), 1e-5);
      assertArrayEquals(new double[] {102.46277, 150.15747, 128.78421, 111.220314, 147.03702}, f.landmarkX(), 1e-3);
      assertArrayEquals(new double[] {115.41434, 113.3636, 141.83005, 167.49162, 166.20805}, f.landmarkY(), 1e-3);
    }
  }

  @Test
  void uniformAndTinyPhotosHaveNoFace() {
    byte[] grey = new byte[120 * 90 * 3];
    Arrays.fill(grey, (byte) 128);
    assertEquals(List.of(), detector.detect(new RgbImage(120, 90, grey)));
    assertTrue(detector.detect(new RgbImage(8, 8, new byte[8 * 8 * 3])).isEmpty());
  }
  @Test
  void cropsAreTheBoxesWithZerosOutsideThePhotoAreaResized() {
    // reference: crop pixel (ty, tx) is the photo's pixel (y1 - 1 + ty, x1 - 1 + tx) of facenet's 1-based box, zero
    // outside the photo (what pad + the copy into tmp amount to), then the same area resize; the boxes are cut
    // concurrently in crops(), so this also checks that no box writes into another's slice
    java.util.Random random = new java.util.Random(7);
    for (int trial = 0; trial < 40; trial++) {
      int w = 1 + random.nextInt(40), h = 1 + random.nextInt(40);
      byte[] rgb = new byte[w * h * 3];
      random.nextBytes(rgb);
      RgbImage photo = new RgbImage(w, h, rgb);
      List<Box> boxes = new java.util.ArrayList<>();
      for (int i = 0; i < 12; i++) {
        double x1 = random.nextInt(w + 30) - 15, y1 = random.nextInt(h + 30) - 15, side = 1 + random.nextInt(45);
        boxes.add(new Box(x1, y1, x1 + side - 1 + random.nextInt(3), y1 + side - 1, 0.9));
      }
      for (int side : new int[] {24, 48}) {
        float[] expected = new float[boxes.size() * side * side * 3];
        for (int k = 0; k < boxes.size(); k++) {
          Box b = boxes.get(k);
          int bw = (int) (b.x2 - b.x1 + 1), bh = (int) (b.y2 - b.y1 + 1);
          float[] tmp = new float[bw * bh * 3];
          for (int ty = 0; ty < bh; ty++) {
            for (int tx = 0; tx < bw; tx++) {
              int sy = (int) b.y1 - 1 + ty, sx = (int) b.x1 - 1 + tx;
              if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
              for (int c = 0; c < 3; c++) tmp[(ty * bw + tx) * 3 + c] = photo.get(sy, sx, c);
            }
          }
          AreaResize.resize(tmp, 0, bh, bw, side, side, expected, k * side * side * 3);
        }
        assertArrayEquals(expected, FaceDetector.crops(photo, boxes, side), "trial " + trial + ", side " + side);
      }
    }
  }
}
