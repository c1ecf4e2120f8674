package org.facenet.align;

/** A decoded photo: {@code height x width} 8-bit RGB, row-major HWC. */
public record RgbImage(int width, int height, byte[] rgb) {

  public RgbImage {
    if (width < 1 || height < 1) throw new IllegalArgumentException("empty image " + width + "x" + height);
    if (rgb.length != (long) width * height * 3) throw new IllegalArgumentException("expected " + width * height * 3 + " bytes");
  }

  /** The value of channel {@code c} at row {@code y}, column {@code x}, 0..255. */
  public int get(int y, int x, int c) {
    return rgb[(y * width + x) * 3 + c] & 0xFF;
  }
}
