package org.facenet.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.facenet.data.BadImageException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole photos through TensorFlow's decoders: colour models, the pixel limit, bad files. */
class PhotoDecoderTest {

  @TempDir
  static Path dir;
  private static PhotoDecoder decoder;

  @BeforeAll
  static void open() {
    decoder = new PhotoDecoder(25_000_000);
  }

  @AfterAll
  static void close() {
    decoder.close();
  }

  private static Path write(BufferedImage image, String format, String name) throws Exception {
    Path p = dir.resolve(name);
    ImageIO.write(image, format, p.toFile());
    return p;
  }

  @Test
  void grayscaleAndRgbaBecomeRgb() throws Exception {
    BufferedImage grey = new BufferedImage(7, 5, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(3, 2, 0, 200);
    RgbImage g = decoder.decode(write(grey, "png", "grey.png")).image();
    assertEquals(7, g.width());
    assertEquals(5, g.height());
    for (int c = 0; c < 3; c++) assertEquals(200, g.get(2, 3, c));
    BufferedImage rgba = new BufferedImage(4, 3, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(1, 2, 0x80102030);
    RgbImage a = decoder.decode(write(rgba, "png", "rgba.png")).image();
    assertEquals(0x10, a.get(2, 1, 0));
    assertEquals(0x20, a.get(2, 1, 1));
    assertEquals(0x30, a.get(2, 1, 2));
  }

  @Test
  void cmykJpegBecomesRgb() throws Exception {
    RgbImage c = decoder.decode(FaceDetectorTest.resource("cmyk.jpg")).image(); // left cyan, right red
    assertTrue(c.get(8, 2, 0) < 30 && c.get(8, 2, 1) > 225 && c.get(8, 2, 2) > 225);
    assertTrue(c.get(8, 13, 0) > 225 && c.get(8, 13, 1) < 30 && c.get(8, 13, 2) < 30);
  }

  @Test
  void largePhotosAreDownscaledAndSayByHowMuch() throws Exception {
    BufferedImage big = new BufferedImage(200, 160, BufferedImage.TYPE_INT_RGB);
    Path png = write(big, "png", "big.png");
    Path jpg = write(big, "jpg", "big.jpg");
    try (PhotoDecoder small = new PhotoDecoder(2_000)) {
      PhotoDecoder.Decoded p = small.decode(png); // area-resized: sqrt(2000 / 32000) = 1/4
      assertEquals(50, p.image().width());
      assertEquals(40, p.image().height());
      assertEquals(4.0, p.scale(), 1e-12);
      assertEquals(200, p.originalWidth());
      PhotoDecoder.Decoded j = small.decode(jpg); // libjpeg at 1/4 gives 50 x 40 = 2000, within the limit
      assertEquals(50, j.image().width());
      assertEquals(40, j.image().height());
      assertEquals(160, j.originalHeight());
    }
  }

  @Test
  void badFilesNameThemselves() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.jpg"));
    BadImageException e = assertThrows(BadImageException.class, () -> decoder.decode(empty));
    assertTrue(e.getMessage().contains("empty.jpg"), e.getMessage());
    Path junk = Files.writeString(dir.resolve("junk.png"), "not an image");
    e = assertThrows(BadImageException.class, () -> decoder.decode(junk));
    assertTrue(e.getMessage().startsWith(junk.toString()), e.getMessage());
    byte[] jpeg = Files.readAllBytes(FaceDetectorTest.resource("Anthony_Hopkins_0001.jpg"));
    Path truncated = Files.write(dir.resolve("truncated.jpg"), java.util.Arrays.copyOf(jpeg, 600));
    assertThrows(BadImageException.class, () -> decoder.decode(truncated));
  }
}
