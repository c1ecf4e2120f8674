package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training (the {@link InputPipeline}) and inference (facenet-embed, facenet-verify: {@link TensorFlowImageDecoder})
 * decode a file alike: the same pixels without augmentation, a truncated JPEG skipped by both, a CMYK JPEG in its
 * right colours in both.
 */
class OneDecoderTest {

  @TempDir
  Path dir;

  private static BufferedImage noise(int w, int h, long seed) {
    Random r = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
    return img;
  }

  /** One batch of every image of {@code ds} (one image per identity), by label. */
  private static Map<Integer, float[]> trainingPixels(ImageDataset ds, int size, List<String> warnings, long[] skipped)
      throws Exception {
    Map<Integer, float[]> byLabel = new HashMap<>();
    int n = ds.images().size();
    try (InputPipeline p = new InputPipeline(ds, new RandomBatchSampler(n, n, 1), size, Augmentation.NONE, 2, 1, 1,
        warnings::add)) {
      for (int b = 0; b < 3; b++) {
        Batch batch = p.next();
        int per = size * size * 3;
        for (int i = 0; i < batch.size; i++) {
          byLabel.put(batch.labels[i], Arrays.copyOfRange(batch.pixels, i * per, (i + 1) * per));
        }
      }
      skipped[0] = p.skippedCount();
    }
    return byLabel;
  }

  @Test
  void aFileGivesTheSamePixelsInTrainingWithoutAugmentationAsInInference() throws Exception {
    TestImages.png(dir.resolve("a/wide.png"), noise(37, 23, 1));      // shrunk centre square
    TestImages.png(dir.resolve("b/small.png"), noise(11, 9, 2));      // enlarged
    TestImages.png(dir.resolve("c/exact.png"), noise(16, 16, 3));     // already the size: copied
    ImageIO.write(noise(40, 30, 4), "jpg", Files.createDirectories(dir.resolve("d")).resolve("photo.jpg").toFile());
    ImageDataset ds = ImageDataset.scan(dir, 1);
    Map<Integer, float[]> training = trainingPixels(ds, 16, new ArrayList<>(), new long[1]);
    try (TensorFlowImageDecoder inference = new TensorFlowImageDecoder(16)) {
      for (LabeledImage img : ds.images()) {
        assertArrayEquals(inference.decode(img.path()), training.get(img.label()), 0f, img.path().toString());
      }
    }
  }

  /**
   * A CMYK JPEG as Photoshop writes them: 4 components stored inverted (255 - ink) and an Adobe APP14 marker saying
   * so (transform 0: no colour transform). ImageIO writes the 4-component raster without the marker (a JPEG readers
   * disagree on), so the 16-byte marker is inserted after SOI (Adobe Technical Note 5116, "Supporting the DCT
   * Filters in PostScript Level 2", APP14: "Adobe", version 100, flags0 0, flags1 0, transform).
   */
  private static Path cmykJpeg(Path file, int w, int h, int[] storedCmyk) throws Exception {
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) raster.setPixel(x, y, storedCmyk);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    Files.createDirectories(file.getParent());
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(raster, null, null), null);
    } finally {
      writer.dispose();
    }
    byte[] jpeg = Files.readAllBytes(file);
    byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
    byte[] out = new byte[jpeg.length + app14.length];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(app14, 0, out, 2, app14.length);
    System.arraycopy(jpeg, 2, out, 2 + app14.length, jpeg.length - 2);
    return Files.write(file, out);
  }

  @Test
  void aCmykJpegHasItsRightColoursInTrainingAndInInference() throws Exception {
    // red: ink C 0, M 255, Y 255, K 0, stored inverted (255, 0, 0, 255)
    Path red = cmykJpeg(dir.resolve("a/red.jpg"), 16, 16, new int[] {255, 0, 0, 255});
    TestImages.png(dir.resolve("b/grey.png"), noise(16, 16, 5));
    ImageDataset ds = ImageDataset.scan(dir, 1);
    Map<Integer, float[]> training = trainingPixels(ds, 16, new ArrayList<>(), new long[1]);
    try (TensorFlowImageDecoder inference = new TensorFlowImageDecoder(16)) {
      float[] px = inference.decode(red);
      assertArrayEquals(px, training.get(0), 0f, "the same pixels in both paths");
      for (int i = 0; i < px.length; i += 3) {
        assertEquals(255, px[i], 8, "red at " + i / 3);
        assertEquals(0, px[i + 1], 8, "green at " + i / 3);
        assertEquals(0, px[i + 2], 8, "blue at " + i / 3);
      }
    }
  }

  @Test
  void aTruncatedJpegIsAnErrorInInferenceAndSkippedAndCountedInTraining() throws Exception {
    ImageIO.write(noise(64, 64, 6), "jpg", Files.createDirectories(dir.resolve("a")).resolve("full.jpg").toFile());
    byte[] bytes = Files.readAllBytes(dir.resolve("a/full.jpg"));
    Files.delete(dir.resolve("a/full.jpg"));
    // 60% of the file: libjpeg would fill the missing rows with grey if TensorFlow let it recover (it does not)
    Path truncated = Files.write(Files.createDirectories(dir.resolve("b")).resolve("cut.jpg"),
        Arrays.copyOf(bytes, bytes.length * 6 / 10));
    // and one without only its end-of-image marker
    Path noEnd = Files.write(Files.createDirectories(dir.resolve("c")).resolve("noeoi.jpg"),
        Arrays.copyOf(bytes, bytes.length - 2));
    Files.write(dir.resolve("a/full.jpg"), bytes);
    try (TensorFlowImageDecoder inference = new TensorFlowImageDecoder(16)) {
      inference.decode(dir.resolve("a/full.jpg"));
      for (Path bad : new Path[] {truncated, noEnd}) {
        BadImageException e = assertThrows(BadImageException.class, () -> inference.decode(bad));
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
      }
    }
    List<String> warnings = new ArrayList<>();
    long[] skipped = new long[1];
    Map<Integer, float[]> training = trainingPixels(ImageDataset.scan(dir, 1), 16, warnings, skipped);
    assertEquals(2, skipped[0], "both truncated files skipped and counted: " + warnings);
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.stream().anyMatch(w -> w.contains("cut.jpg")) && warnings.stream().anyMatch(w -> w.contains("noeoi.jpg")),
        warnings.toString());
    assertEquals(List.of(0), List.copyOf(training.keySet()), "only the whole file is trained on");
  }
}
