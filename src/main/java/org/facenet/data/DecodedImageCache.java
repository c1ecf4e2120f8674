package org.facenet.data;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The training images as decoded 8-bit pixels ({@link DecodedImage}, before augmentation), kept in memory so that each
 * file is read and decoded once and only the augmentation's resampling runs at every step ({@code --cache-images}).
 * Filled as the {@link InputPipeline} first decodes each image. Its memory is bounded: the bytes it would hold are
 * counted before anything is kept, and the first image that would take it over its limit empties it for good, so the
 * data set is streamed (decoded at every step, as without a cache) and {@link #put} says so once. Thread-safe.
 */
public final class DecodedImageCache {

  /** {@code --cache-images}: auto (cache within a quarter of the JVM's maximum heap), on (no limit), off. */
  public enum Mode { AUTO, ON, OFF }

  private final AtomicReferenceArray<DecodedImage> images;
  private final long limitBytes;
  private final AtomicLong used = new AtomicLong();
  private final AtomicBoolean full = new AtomicBoolean();

  /** A cache for {@code count} images (indices 0..count-1) that holds at most {@code limitBytes} bytes of pixels. */
  public DecodedImageCache(int count, long limitBytes) {
    if (limitBytes < 1) throw new IllegalArgumentException("--cache-memory must be >= 1 byte, got " + limitBytes);
    this.images = new AtomicReferenceArray<>(count);
    this.limitBytes = limitBytes;
  }

  /**
   * The cache {@code mode} asks for, for {@code count} images, or null for {@link Mode#OFF}: the limit is
   * {@code limitBytes} when it is given (above 0), else a quarter of {@link Runtime#maxMemory()} for auto and none
   * for on (the pixels then take what they need; out of memory stops the run).
   */
  public static DecodedImageCache create(Mode mode, int count, long limitBytes) {
    return switch (mode) {
      case OFF -> null;
      case AUTO -> new DecodedImageCache(count, limitBytes > 0 ? limitBytes : Runtime.getRuntime().maxMemory() / 4);
      case ON -> new DecodedImageCache(count, limitBytes > 0 ? limitBytes : Long.MAX_VALUE);
    };
  }

  /** The decoded pixels of image {@code index}, or null when they are not (or no longer) kept. */
  public DecodedImage get(int index) {
    return images.get(index);
  }

  /**
   * Keeps {@code image} as image {@code index} if it fits. Returns a message the first time an image does not fit
   * (the cache is then emptied and keeps nothing more), else null.
   */
  public String put(int index, DecodedImage image) {
    if (full.get()) return null;
    long total = used.addAndGet(image.bytes());
    if (total <= limitBytes) {
      if (!images.compareAndSet(index, null, image)) used.addAndGet(-image.bytes()); // another thread kept it first
      else if (full.get()) images.set(index, null); // emptied meanwhile
      return null;
    }
    if (!full.compareAndSet(false, true)) return null;
    int kept = 0;
    for (int i = 0; i < images.length(); i++) {
      if (images.getAndSet(i, null) != null) kept++;
    }
    return String.format(Locale.ROOT, "the decoded training images take more than the image cache's limit of %s "
        + "(%d of %d images kept when the next did not fit; --cache-memory sets the limit): decoding every image at "
        + "every step, as without a cache", megabytes(limitBytes), kept, images.length());
  }

  /** Whether the cache gave up because the images did not fit: the data set is streamed. */
  public boolean streaming() {
    return full.get();
  }

  /** Images kept now. */
  public int size() {
    int n = 0;
    for (int i = 0; i < images.length(); i++) if (images.get(i) != null) n++;
    return n;
  }

  /** Bytes of pixels kept now. */
  public long bytes() {
    long n = 0;
    for (int i = 0; i < images.length(); i++) {
      DecodedImage d = images.get(i);
      if (d != null) n += d.bytes();
    }
    return n;
  }

  public long limitBytes() {
    return limitBytes;
  }

  static String megabytes(long bytes) {
    return bytes == Long.MAX_VALUE ? "unlimited memory" : String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
  }
}
