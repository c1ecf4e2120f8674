package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decompression bombs are refused from the header, before decoding, by inference and training alike. */
class ImageHeaderTest {

  @TempDir
  Path dir;

  private static final String REFUSAL = "23000x23000 = 529 M pixels is over --max-image-pixels 89478485";

  @Test
  void headersGiveTheSizeWithoutDecoding() throws Exception {
    Path jpg = dir.resolve("a.jpg");
    ImageIO.write(new BufferedImage(31, 17, BufferedImage.TYPE_INT_RGB), "jpg", jpg.toFile());
    assertEquals(Optional.of(new ImageHeader(31, 17)), ImageHeader.read(Files.readAllBytes(jpg)));
    Path bomb = TestImages.bombPng(dir.resolve("bomb.png"), 23000);
    assertTrue(Files.size(bomb) < 2_000_000, "a bomb is small on disk: " + Files.size(bomb));
    assertEquals(Optional.of(new ImageHeader(23000, 23000)), ImageHeader.read(Files.readAllBytes(bomb)));
    assertEquals(Optional.empty(), ImageHeader.read("not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void aBombIsRefusedByInferenceAndSkippedOnceByTrainingQuicklyAndInLittleMemory() throws Exception {
    Path bomb = TestImages.bombPng(dir.resolve("a/bomb.png"), 23000);
    for (int i = 0; i < 3; i++) TestImages.png(dir.resolve("a/" + i + ".png"), TestImages.wideTestImage());
    for (int i = 0; i < 3; i++) TestImages.png(dir.resolve("b/" + i + ".png"), TestImages.wideTestImage());
    long peakBefore = TestImages.peakResidentBytes();
    long t0 = System.nanoTime();
    try (TensorFlowImageDecoder inference = new TensorFlowImageDecoder(16)) {
      BadImageException e = assertThrows(BadImageException.class, () -> inference.decode(bomb));
      assertEquals(bomb + ": " + REFUSAL, e.getMessage());
    }
    try (TensorFlowImageDecoder strict = new TensorFlowImageDecoder(16, 20 * 40 - 1)) {
      BadImageException e = assertThrows(BadImageException.class, () -> strict.decode(dir.resolve("a/0.png")));
      assertTrue(e.getMessage().endsWith("40x20 = 800 pixels is over --max-image-pixels 799"), e.getMessage());
    }
    ImageDataset ds = ImageDataset.scan(dir, 1);
    List<String> warnings = new ArrayList<>();
    try (InputPipeline p = new InputPipeline(ds, new PersonBatchSampler(ds, 2, 4, 1), 16, Augmentation.NONE, 2, 2, 1,
        ImageHeader.DEFAULT_MAX_PIXELS, warnings::add)) {
      for (int b = 0; b < 20; b++) assertEquals(8, p.next().size); // the bomb is drawn in most of these batches
      assertEquals(1, p.skippedCount());
    }
    assertEquals(List.of("skipped " + bomb + ": " + REFUSAL), warnings, "named once, however often it is drawn");
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertTrue(seconds < 30, "decoding the bomb takes minutes and gigabytes; refusing it took " + seconds + " s");
    long peakAfter = TestImages.peakResidentBytes();
    if (peakBefore > 0) {
      assertTrue(peakAfter - peakBefore < 1_000_000_000L, "one decoded bomb is 1.5 GB of RGB; the peak resident memory "
          + "grew by " + (peakAfter - peakBefore) / 1_000_000 + " MB");
    }
  }
}
