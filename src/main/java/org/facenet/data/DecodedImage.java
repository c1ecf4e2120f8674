package org.facenet.data;

/** An image as {@link TensorFlowImageDecoder} decodes it, before any resampling: HWC RGB, 8 bits a channel. */
public record DecodedImage(byte[] rgb, int width, int height) {

  public DecodedImage {
    if ((long) width * height * 3 != rgb.length) {
      throw new IllegalArgumentException(width + "x" + height + " RGB is not " + rgb.length + " bytes");
    }
  }

  /** The bytes it holds. */
  public long bytes() {
    return rgb.length;
  }
}
