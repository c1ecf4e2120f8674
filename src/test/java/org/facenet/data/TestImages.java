package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;

/** Test images: known pixels written as PNG, and a decompression bomb. */
final class TestImages {

  private TestImages() {}

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

  /** HWC RGB floats 0..255 of an image (its pixels as ImageIO holds them). */
  static float[] pixels(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
    float[] out = new float[w * h * 3];
    for (int i = 0; i < rgb.length; i++) {
      out[3 * i] = (rgb[i] >> 16) & 0xFF;
      out[3 * i + 1] = (rgb[i] >> 8) & 0xFF;
      out[3 * i + 2] = rgb[i] & 0xFF;
    }
    return out;
  }

  static Path png(Path file, BufferedImage img) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(img, "png", file.toFile());
    return file;
  }

  /** A decoder under test: an image file to {@code size x size} HWC RGB floats 0..255. */
  @FunctionalInterface
  interface Decode {
    float[] apply(Path file, int size) throws Exception;
  }

  /** Gray 200 -> (200, 200, 200); 16-bit white -> 255 and black -> 0; RGBA -> its colour without alpha. */
  static void grayscaleRgbaAndSixteenBitPngsBecomeRgb(Path dir, Decode decode) throws Exception {
    BufferedImage gray = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    gray.getRaster().setSample(3, 3, 0, 200);
    float[] gp = decode.apply(png(dir.resolve("gray.png"), gray), 8);
    int i = (3 * 8 + 3) * 3;
    assertArrayEquals(new float[] {200, 200, 200}, Arrays.copyOfRange(gp, i, i + 3));

    BufferedImage gray16 = new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY);
    gray16.getRaster().setSample(2, 5, 0, 65535);
    float[] p16 = decode.apply(png(dir.resolve("gray16.PNG"), gray16), 8);
    int j = (5 * 8 + 2) * 3;
    assertArrayEquals(new float[] {255, 255, 255}, Arrays.copyOfRange(p16, j, j + 3));
    assertEquals(0f, p16[0]);

    BufferedImage rgba = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(1, 1, 0xFF10E020);
    float[] ap = decode.apply(png(dir.resolve("rgba.png"), rgba), 8);
    int k = (1 * 8 + 1) * 3;
    assertArrayEquals(new float[] {0x10, 0xE0, 0x20}, Arrays.copyOfRange(ap, k, k + 3));
  }

  /**
   * A valid PNG of {@code side x side} black pixels, 1-bit grayscale, written row by row through a streaming deflater:
   * a 23000 x 23000 image is well under 1 MB on disk and 1.5 GB once decoded to RGB (a decompression bomb).
   */
  static Path bombPng(Path file, int side) throws IOException {
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    byte[] row = new byte[1 + (side + 7) / 8]; // filter byte 0 and the row's bits, all 0
    try (OutputStream z = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_SPEED), 1 << 16)) {
      for (int y = 0; y < side; y++) z.write(row);
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(ihdr);
    h.writeInt(side);
    h.writeInt(side);
    h.write(new byte[] {1, 0, 0, 0, 0}); // bit depth 1, grayscale, deflate, adaptive filtering, no interlace
    chunk(png, "IHDR", ihdr.toByteArray());
    chunk(png, "IDAT", idat.toByteArray());
    chunk(png, "IEND", new byte[0]);
    Files.createDirectories(file.toAbsolutePath().getParent());
    return Files.write(file, png.toByteArray());
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(data.length);
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }

  /** This process's peak resident memory in bytes (VmHWM), or -1 where /proc is not available. */
  static long peakResidentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
