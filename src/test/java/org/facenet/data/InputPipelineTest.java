package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputPipelineTest {

  @TempDir
  Path dir;

  /** Class c's images are filled with grey level 40 * (c + 1), so a pixel tells the label. */
  ImageDataset dataset(boolean withBrokenFile) throws Exception {
    for (int c = 0; c < 3; c++) {
      Path cls = Files.createDirectories(dir.resolve("c" + c));
      for (int i = 0; i < 4; i++) {
        BufferedImage img = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
        int v = 40 * (c + 1);
        for (int y = 0; y < 12; y++) for (int x = 0; x < 12; x++) img.setRGB(x, y, v << 16 | v << 8 | v);
        ImageIO.write(img, "png", cls.resolve(i + ".png").toFile());
      }
    }
    if (withBrokenFile) Files.write(dir.resolve("c1/zz_broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 0, 1});
    return ImageDataset.scan(dir, 1);
  }

  @Test
  void batchesCarryTheirImagesLabelsAndABrokenFileIsSkippedOnceAndReplacedWithinItsIdentity() throws Exception {
    ImageDataset ds = dataset(true);
    List<String> warnings = new ArrayList<>();
    try (InputPipeline p = new InputPipeline(ds, new PersonBatchSampler(ds, 3, 5, 1), 8, Augmentation.NONE, 2, 2, 1,
        warnings::add)) {
      for (int b = 0; b < 20; b++) {
        Batch batch = p.next();
        assertEquals(15, batch.size);
        for (int i = 0; i < batch.size; i++) {
          float expected = 40 * (batch.labels[i] + 1);
          assertEquals(expected, batch.pixels[i * 8 * 8 * 3 + 100], 1e-6, "image " + i + " of batch " + b);
        }
        // P x K structure survives replacement: each group of 5 is one identity.
        for (int g = 0; g < 3; g++) for (int k = 1; k < 5; k++) assertEquals(batch.labels[g * 5], batch.labels[g * 5 + k]);
      }
      assertEquals(1, p.skippedCount());
      assertTrue(p.skippedFiles().get(0).contains("zz_broken.jpg"), p.skippedFiles().toString());
      assertTrue(p.imagesPerSecond() > 0);
    }
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("zz_broken.jpg"), warnings.toString());
  }

  @Test
  void sameSeedSameBatches() throws Exception {
    ImageDataset ds = dataset(false);
    Augmentation aug = new Augmentation(true, true, 10f);
    float[] a;
    float[] b;
    try (InputPipeline p = new InputPipeline(ds, new RandomBatchSampler(12, 4, 5), 8, aug, 3, 1, 5, w -> { })) {
      p.next();
      a = p.next().pixels;
    }
    try (InputPipeline p = new InputPipeline(ds, new RandomBatchSampler(12, 4, 5), 8, aug, 1, 3, 5, w -> { })) {
      p.next();
      b = p.next().pixels;
    }
    assertArrayEquals(a, b, "decoding threads and prefetch depth must not change the batches");
  }

  @Test
  void anErrorIsNotABadImageButStopsThePipeline() throws Exception {
    ImageDataset ds = dataset(false);
    BatchSampler exhausted = new BatchSampler() {
      @Override
      public int[] next() {
        throw new OutOfMemoryError("Java heap space (test)");
      }

      @Override
      public int replacement(int badIndex, java.util.function.IntPredicate usable, java.util.SplittableRandom r) {
        throw new AssertionError();
      }
    };
    try (InputPipeline p = new InputPipeline(ds, exhausted, 8, Augmentation.NONE, 1, 1, 1, w -> { })) {
      OutOfMemoryError e = assertThrows(OutOfMemoryError.class, p::next);
      assertTrue(e.getMessage().contains("(test)"), e.getMessage());
      assertEquals(0, p.skippedCount());
    }
  }

  @Test
  void aFileTooLargeToReadIsABadImageNotAnError() throws Exception {
    ImageDataset ds = dataset(false);
    Path huge = dir.resolve("c0/huge.png");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: nothing written to disk
    }
    try (TensorFlowImageDecoder d = new TensorFlowImageDecoder(8)) {
      BadImageException e = assertThrows(BadImageException.class, () -> d.decode(huge));
      assertTrue(e.getMessage().contains("too large for an image file"), e.getMessage());
    } finally {
      Files.delete(huge);
    }
  }

  @Test
  void aDataSetWithNoReadableImageFailsClearly() throws Exception {
    Files.createDirectories(dir.resolve("a"));
    Files.write(dir.resolve("a/1.png"), new byte[] {1, 2});
    Files.write(dir.resolve("a/2.png"), new byte[0]);
    ImageDataset ds = ImageDataset.scan(dir, 1);
    try (InputPipeline p = new InputPipeline(ds, new RandomBatchSampler(2, 2, 1), 8, Augmentation.NONE, 1, 1, 1, w -> { })) {
      DatasetException e = assertThrows(DatasetException.class, p::next);
      assertTrue(e.getMessage().contains("none of its 2 images"), e.getMessage());
    }
  }
}
