package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFlowImageDecoderTest {

  @TempDir
  Path dir;

  private static TensorFlowImageDecoder at20;

  @BeforeAll
  static void open() {
    at20 = new TensorFlowImageDecoder(20);
  }

  @AfterAll
  static void close() {
    at20.close();
  }

  private Path png(String name, BufferedImage img) throws Exception {
    Path p = dir.resolve(name);
    ImageIO.write(img, "png", p.toFile());
    return p;
  }

  @Test
  void centreSquareAtSameSizeIsCopiedExactly() throws Exception {
    float[] px = at20.decode(png("wide.png", TestImages.wideTestImage()));
    assertArrayEquals(TestImages.pixels(TestImages.wideTestImage().getSubimage(10, 0, 20, 20)), px, 0f,
        "the centre square of a 40x20 image at 20 px is its middle columns");
  }

  @Test
  void anOddExcessTakesTheCentreBetweenPixels() throws Exception {
    // 21 x 20 with a horizontal ramp: the centre square starts half a pixel in, so each output pixel at scale 1 is the
    // mean of two neighbouring columns (hand-derived: the triangle filter's weights are 1/2, 1/2).
    BufferedImage img = new BufferedImage(21, 20, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 20; y++) for (int x = 0; x < 21; x++) img.setRGB(x, y, (x * 12) << 8);
    float[] px = at20.decode(png("odd.png", img));
    for (int x = 0; x < 20; x++) assertEquals((x * 12 + (x + 1) * 12) / 2.0, px[(7 * 20 + x) * 3 + 1], 1e-3, "column " + x);
  }

  @Test
  void resamplingMatchesAFloat64AntialiasedTriangleFilter() throws Exception {
    Random r = new Random(5);
    // shrink (37 x 23 -> 20: centre 23 x 23 square, scale 0.87), shrink by 2.6 (52 x 60), enlarge (11 x 9)
    for (int[] wh : new int[][] {{37, 23}, {52, 60}, {11, 9}}) {
      int w = wh[0];
      int h = wh[1];
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
      float[] px = at20.decode(png("r" + w + ".png", img));
      double[] expected = triangleResample(TestImages.pixels(img), w, h, 20);
      for (int i = 0; i < px.length; i++) assertEquals(expected[i], px[i], 2e-3, w + "x" + h + " value " + i);
    }
  }

  /**
   * Reference: the centre square of side s = min(w, h) at (left, top) = ((w - s) / 2, (h - s) / 2) resampled to n x n,
   * separably, by a triangle kernel widened by 1 / scale when shrinking (antialiasing), weights renormalised over the
   * pixels inside the image; pixel centres at integer + 0.5.
   */
  static double[] triangleResample(float[] src, int w, int h, int n) {
    double side = Math.min(w, h);
    return triangleResample(src, w, h, n, side, (w - side) / 2, (h - side) / 2);
  }

  /** The same for the square of side {@code side} whose top-left corner is ({@code left}, {@code top}). */
  static double[] triangleResample(float[] src, int w, int h, int n, double side, double left, double top) {
    double scale = n / side;
    double[][] wx = weights(n, w, scale, left);
    double[][] wy = weights(n, h, scale, top);
    double[] out = new double[n * n * 3];
    for (int oy = 0; oy < n; oy++) {
      for (int ox = 0; ox < n; ox++) {
        for (int y = 0; y < h; y++) {
          if (wy[oy][y] == 0) continue;
          for (int x = 0; x < w; x++) {
            double k = wy[oy][y] * wx[ox][x];
            if (k == 0) continue;
            for (int c = 0; c < 3; c++) out[(oy * n + ox) * 3 + c] += k * src[(y * w + x) * 3 + c];
          }
        }
      }
    }
    return out;
  }

  private static double[][] weights(int n, int len, double scale, double start) {
    double widen = Math.max(1, 1 / scale);
    double[][] wts = new double[n][len];
    for (int o = 0; o < n; o++) {
      double centre = start + (o + 0.5) / scale;       // in input coordinates (pixel edges at integers)
      double sum = 0;
      for (int i = 0; i < len; i++) {
        double d = Math.abs(i + 0.5 - centre) / widen;
        wts[o][i] = Math.max(0, 1 - d);
        sum += wts[o][i];
      }
      for (int i = 0; i < len; i++) wts[o][i] /= sum;
    }
    return wts;
  }

  @Test
  void downscalingAveragesACheckerboardToGrey() throws Exception {
    BufferedImage img = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 200; y++) for (int x = 0; x < 200; x++) img.setRGB(x, y, ((x + y) % 2 == 0) ? 0xFFFFFF : 0);
    try (TensorFlowImageDecoder at25 = new TensorFlowImageDecoder(25)) {
      // A checkerboard shrunk 8x must come out as mid grey, not aliased to black or white.
      for (float v : at25.decode(png("checker.png", img))) assertEquals(127.5, v, 40, "pixel " + v);
    }
  }

  @Test
  void grayscaleRgbaAndSixteenBitPngsBecomeRgb() throws Exception {
    try (TensorFlowImageDecoder at8 = new TensorFlowImageDecoder(8)) {
      TestImages.grayscaleRgbaAndSixteenBitPngsBecomeRgb(dir, (file, size) -> at8.decode(file));
    }
  }

  @Test
  void jpegDecodesCloseToImageIo() throws Exception {
    BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 20; y++) for (int x = 0; x < 20; x++) img.setRGB(x, y, ((x * 12) << 16) | ((y * 12) << 8) | 90);
    Path jpg = dir.resolve("smooth.JPG");
    ImageIO.write(img, "jpg", jpg.toFile());
    float[] tf = at20.decode(jpg);
    float[] io = TestImages.pixels(ImageIO.read(jpg.toFile()));
    double meanAbs = 0;
    for (int i = 0; i < tf.length; i++) meanAbs += Math.abs(tf[i] - io[i]) / tf.length;
    assertTrue(meanAbs < 2.0, "two JPEG decoders of the same file differ by a few levels at most, got " + meanAbs);
  }

  @Test
  void badFilesNameTheFileAndTheProblem() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.jpg"));
    Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
    byte[] bytes = Files.readAllBytes(png("full.png", TestImages.wideTestImage()));
    Path truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(bytes, bytes.length / 2));
    Path missing = dir.resolve("missing.jpg");

    BadImageException e1 = assertThrows(BadImageException.class, () -> at20.decode(empty));
    assertTrue(e1.getMessage().contains("empty.jpg") && e1.getMessage().contains("empty file"), e1.getMessage());
    for (Path bad : new Path[] {text, truncated}) {
      BadImageException e = assertThrows(BadImageException.class, () -> at20.decode(bad));
      assertTrue(e.getMessage().startsWith(bad.toString()) && e.getMessage().contains("corrupt, truncated or not"),
          e.getMessage());
      assertEquals(bad, e.path());
    }
    BadImageException e4 = assertThrows(BadImageException.class, () -> at20.decode(missing));
    assertTrue(e4.getMessage().contains("missing.jpg") && e4.getMessage().contains("cannot read"), e4.getMessage());
    // and the decoder still works after the failures
    assertEquals(20 * 20 * 3, at20.decode(png("ok.png", TestImages.wideTestImage())).length);
  }
}
