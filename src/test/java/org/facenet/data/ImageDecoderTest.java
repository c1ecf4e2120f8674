package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {

  @TempDir
  Path dir;

  /** A wide image whose left and right quarters are red and whose centre square is a vertical ramp of blue. */
  static BufferedImage wideTestImage() {
    BufferedImage img = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 20; y++) {
      for (int x = 0; x < 40; x++) {
        img.setRGB(x, y, x < 10 || x >= 30 ? 0xFF0000 : (y * 10) & 0xFF);
      }
    }
    return img;
  }

  @Test
  void centreSquareAtSameSizeIsCopiedExactly() {
    BufferedImage img = wideTestImage();
    float[] px = ImageDecoder.toPixels(img, 20);
    assertEquals(20 * 20 * 3, px.length);
    for (int y = 0; y < 20; y++) {
      for (int x = 0; x < 20; x++) {
        int i = (y * 20 + x) * 3;
        assertEquals(0f, px[i], "no red from the cropped-away sides at " + x + "," + y);
        assertEquals(y * 10, px[i + 2], 1e-6, "blue ramp at " + x + "," + y);
      }
    }
  }

  @Test
  void downscalingAveragesAndKeepsTheRampOrdered() {
    BufferedImage img = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 200; y++) for (int x = 0; x < 200; x++) img.setRGB(x, y, ((x + y) % 2 == 0) ? 0xFFFFFF : 0);
    float[] px = ImageDecoder.toPixels(img, 25);
    double mean = 0;
    for (float v : px) mean += v;
    mean /= px.length;
    // A checkerboard shrunk 8x must come out as mid grey, not aliased to black or white.
    for (float v : px) assertEquals(127.5, v, 40, "pixel " + v + " (mean " + mean + ")");
  }

  /** A decoder under test: an image file to {@code size x size} HWC RGB floats 0..255. */
  @FunctionalInterface
  interface Decode {
    float[] apply(Path file, int size) throws Exception;
  }

  @Test
  void grayscaleRgbaAndSixteenBitPngsBecomeRgb() throws Exception {
    grayscaleRgbaAndSixteenBitPngsBecomeRgb(dir, ImageDecoder::decode);
  }

  /** Gray 200 -> (200, 200, 200); 16-bit white -> 255 and black -> 0; RGBA -> its colour without alpha. */
  static void grayscaleRgbaAndSixteenBitPngsBecomeRgb(Path dir, Decode decode) throws Exception {
    BufferedImage gray = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    gray.getRaster().setSample(3, 3, 0, 200);
    Path g = dir.resolve("gray.png");
    ImageIO.write(gray, "png", g.toFile());
    float[] gp = decode.apply(g, 8);
    int i = (3 * 8 + 3) * 3;
    assertArrayEquals(new float[] {200, 200, 200}, Arrays.copyOfRange(gp, i, i + 3));

    BufferedImage gray16 = new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY);
    gray16.getRaster().setSample(2, 5, 0, 65535);
    Path g16 = dir.resolve("gray16.PNG");
    ImageIO.write(gray16, "png", g16.toFile());
    float[] p16 = decode.apply(g16, 8);
    int j = (5 * 8 + 2) * 3;
    assertArrayEquals(new float[] {255, 255, 255}, Arrays.copyOfRange(p16, j, j + 3));
    assertEquals(0f, p16[0]);

    BufferedImage rgba = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(1, 1, 0xFF10E020);
    Path a = dir.resolve("rgba.png");
    ImageIO.write(rgba, "png", a.toFile());
    float[] ap = decode.apply(a, 8);
    int k = (1 * 8 + 1) * 3;
    assertArrayEquals(new float[] {0x10, 0xE0, 0x20}, Arrays.copyOfRange(ap, k, k + 3));
  }

  @Test
  void badFilesNameTheFileAndTheProblem() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.jpg"));
    Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
    BufferedImage img = wideTestImage();
    Path full = dir.resolve("full.png");
    ImageIO.write(img, "png", full.toFile());
    byte[] bytes = Files.readAllBytes(full);
    Path truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(bytes, bytes.length / 2));

    BadImageException e1 = assertThrows(BadImageException.class, () -> ImageDecoder.decode(empty, 8));
    assertTrue(e1.getMessage().contains("empty.jpg") && e1.getMessage().contains("empty"), e1.getMessage());
    BadImageException e2 = assertThrows(BadImageException.class, () -> ImageDecoder.decode(text, 8));
    assertTrue(e2.getMessage().contains("notes.png") && e2.getMessage().contains("not an image"), e2.getMessage());
    BadImageException e3 = assertThrows(BadImageException.class, () -> ImageDecoder.decode(truncated, 8));
    assertTrue(e3.getMessage().contains("truncated.png") && e3.getMessage().contains("corrupt or truncated"),
        e3.getMessage());
    assertEquals(truncated, e3.path());
  }
}
