package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decoded-image cache beside the input pipeline: the same batches with it as without, within its memory limit. */
class DecodedImageCacheTest {

  static final int SIZE = 16;
  static final int IMAGES = 12;
  static final int BATCH = 4;

  @TempDir
  Path dir;

  /** Noise images of several sizes (one already SIZE x SIZE, the copy path), 3 identities of 4. */
  ImageDataset noise(boolean withBrokenFile) throws Exception {
    Random r = new Random(7);
    int[][] sizes = {{SIZE, SIZE}, {23, 17}, {17, 29}, {40, 40}};
    for (int c = 0; c < 3; c++) {
      Path cls = Files.createDirectories(dir.resolve("c" + c));
      for (int i = 0; i < 4; i++) {
        BufferedImage img = new BufferedImage(sizes[i][0], sizes[i][1], BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, r.nextInt());
        ImageIO.write(img, "png", cls.resolve(i + ".png").toFile());
      }
    }
    if (withBrokenFile) Files.write(dir.resolve("c1/zz_broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1});
    return ImageDataset.scan(dir, 1);
  }

  /** {@code batches} batches (pixels then labels, concatenated) of a pipeline with {@code cache} (null: none). */
  static List<Object> batches(ImageDataset ds, Augmentation aug, DecodedImageCache cache, int batches,
      List<String> warnings) throws Exception {
    List<Object> out = new ArrayList<>();
    try (InputPipeline p = new InputPipeline(ds, new RandomBatchSampler(ds.images().size(), BATCH, 3), SIZE, aug, 2, 2,
        11, ImageHeader.DEFAULT_MAX_PIXELS, cache, warnings::add)) {
      for (int b = 0; b < batches; b++) {
        Batch batch = p.next();
        out.add(batch.pixels);
        out.add(batch.labels);
      }
    }
    return out;
  }

  static void assertSameBatches(List<Object> expected, List<Object> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i += 2) {
      assertArrayEquals((float[]) expected.get(i), (float[]) actual.get(i), "pixels of batch " + i / 2);
      assertArrayEquals((int[]) expected.get(i + 1), (int[]) actual.get(i + 1), "labels of batch " + i / 2);
    }
  }

  @Test
  void withoutAugmentationTheCachedPipelineGivesExactlyTheUncachedPixels() throws Exception {
    ImageDataset ds = noise(false);
    List<Object> streamed = batches(ds, Augmentation.NONE, null, 9, new ArrayList<>());
    DecodedImageCache cache = new DecodedImageCache(IMAGES, Long.MAX_VALUE);
    List<String> warnings = new ArrayList<>();
    // 9 batches of 4 = 3 epochs of 12: the last two are served from the cache
    assertSameBatches(streamed, batches(ds, Augmentation.NONE, cache, 9, warnings));
    assertEquals(IMAGES, cache.size());
    assertFalse(cache.streaming());
    assertEquals(List.of(), warnings);
    // a second pipeline on the same cache reads nothing from disk and still gives the same batches
    assertSameBatches(streamed, batches(ds, Augmentation.NONE, cache, 9, warnings));
  }

  @Test
  void withCropFlipAndRotationGivenTheSeedTheCachedPipelineGivesExactlyTheUncachedPixels() throws Exception {
    ImageDataset ds = noise(false);
    for (Augmentation aug : List.of(new Augmentation(true, true, 0f), new Augmentation(true, true, 10f))) {
      List<Object> streamed = batches(ds, aug, null, 9, new ArrayList<>());
      DecodedImageCache cache = new DecodedImageCache(IMAGES, Long.MAX_VALUE);
      assertSameBatches(streamed, batches(ds, aug, cache, 9, new ArrayList<>()));
      assertEquals(IMAGES, cache.size());
      // and the augmentation did augment: the first epoch's batches differ from the unaugmented ones
      float[] plain = (float[]) batches(ds, Augmentation.NONE, null, 1, new ArrayList<>()).get(0);
      assertFalse(java.util.Arrays.equals(plain, (float[]) streamed.get(0)), aug.toString());
    }
  }

  @Test
  void theCacheHoldsTheDecodedEightBitPixelsOfTheFile() throws Exception {
    ImageDataset ds = noise(false);
    DecodedImageCache cache = new DecodedImageCache(IMAGES, Long.MAX_VALUE);
    batches(ds, Augmentation.NONE, cache, 3, new ArrayList<>());
    for (int i = 0; i < IMAGES; i++) {
      BufferedImage img = ImageIO.read(ds.images().get(i).path().toFile());
      DecodedImage d = cache.get(i);
      assertEquals(img.getWidth(), d.width());
      assertEquals(img.getHeight(), d.height());
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          int rgb = img.getRGB(x, y);
          int at = (y * img.getWidth() + x) * 3;
          assertEquals((rgb >> 16) & 0xFF, d.rgb()[at] & 0xFF);
          assertEquals((rgb >> 8) & 0xFF, d.rgb()[at + 1] & 0xFF);
          assertEquals(rgb & 0xFF, d.rgb()[at + 2] & 0xFF);
        }
      }
    }
    long expected = ds.images().stream().mapToLong(im -> {
      try {
        BufferedImage img = ImageIO.read(im.path().toFile());
        return 3L * img.getWidth() * img.getHeight();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).sum();
    assertEquals(expected, cache.bytes());
  }

  @Test
  void aLimitBelowTheDataSetsSizeStreamsSaysSoOnceAndKeepsNothing() throws Exception {
    ImageDataset ds = noise(false);
    Augmentation aug = new Augmentation(true, true, 0f);
    List<Object> streamed = batches(ds, aug, null, 9, new ArrayList<>());
    // 3 identities of the 4 sizes, 3 bytes a pixel
    long total = 3 * 3 * (16L * 16 + 23 * 17 + 17 * 29 + 40 * 40);
    DecodedImageCache small = new DecodedImageCache(IMAGES, total - 1);
    List<String> warnings = new ArrayList<>();
    assertSameBatches(streamed, batches(ds, aug, small, 9, warnings));
    assertTrue(small.streaming());
    assertEquals(0, small.size());
    assertEquals(0, small.bytes());
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("--cache-memory") && warnings.get(0).contains("as without a cache"),
        warnings.get(0));
    // the limit is the data set's size exactly: all of it is kept
    DecodedImageCache exact = new DecodedImageCache(IMAGES, total);
    List<String> none = new ArrayList<>();
    assertSameBatches(streamed, batches(ds, aug, exact, 9, none));
    assertFalse(exact.streaming());
    assertEquals(total, exact.bytes());
    assertEquals(List.of(), none);
  }

  @Test
  void aCorruptImageWithTheCacheOnIsSkippedOnceCountedAndReplacedAsWithout() throws Exception {
    ImageDataset ds = noise(true);
    assertEquals(IMAGES + 1, ds.images().size());
    Augmentation aug = new Augmentation(true, true, 0f);
    List<String> plainWarnings = new ArrayList<>();
    List<Object> streamed = batches(ds, aug, null, 12, plainWarnings);
    DecodedImageCache cache = new DecodedImageCache(ds.images().size(), Long.MAX_VALUE);
    List<String> warnings = new ArrayList<>();
    List<Object> cached;
    long skipped;
    try (InputPipeline p = new InputPipeline(ds, new RandomBatchSampler(ds.images().size(), BATCH, 3), SIZE, aug, 2, 2,
        11, ImageHeader.DEFAULT_MAX_PIXELS, cache, warnings::add)) {
      cached = new ArrayList<>();
      for (int b = 0; b < 12; b++) {
        Batch batch = p.next();
        cached.add(batch.pixels);
        cached.add(batch.labels);
      }
      skipped = p.skippedCount();
      assertTrue(p.skippedFiles().get(0).contains("zz_broken.png"), p.skippedFiles().toString());
    }
    assertEquals(1, skipped);
    assertEquals(plainWarnings, warnings);
    assertEquals(1, warnings.size(), warnings.toString());
    assertSameBatches(streamed, cached);
    assertEquals(IMAGES, cache.size(), "the broken file is not kept");
  }

  @Test
  void theModesLimits() {
    assertNull(DecodedImageCache.create(DecodedImageCache.Mode.OFF, 10, 0));
    assertEquals(Runtime.getRuntime().maxMemory() / 4, DecodedImageCache.create(DecodedImageCache.Mode.AUTO, 10, 0)
        .limitBytes());
    assertEquals(Long.MAX_VALUE, DecodedImageCache.create(DecodedImageCache.Mode.ON, 10, 0).limitBytes());
    assertEquals(5_000_000, DecodedImageCache.create(DecodedImageCache.Mode.AUTO, 10, 5_000_000).limitBytes());
    assertEquals(5_000_000, DecodedImageCache.create(DecodedImageCache.Mode.ON, 10, 5_000_000).limitBytes());
  }
}
