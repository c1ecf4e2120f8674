package org.facenet.train;

import java.util.Locale;
import java.util.Properties;
import org.facenet.data.DecodedImageCache;

/**
 * The decoded training images kept in memory ({@code facenet-train --cache-images --cache-memory}), saved in
 * run.properties as {@code cache_images} and {@code cache_memory}. A performance setting: the pixels are the same with
 * or without it, so {@code --resume} may change it, as it may the threads.
 *
 * @param mode      auto, on or off ({@link DecodedImageCache.Mode})
 * @param megabytes the cache's limit in megabytes of pixels, 0: the default (a quarter of the heap for auto)
 */
public record ImageCacheSettings(DecodedImageCache.Mode mode, long megabytes) {

  /** auto with the default limit: what a run written before this setting uses. */
  public static final ImageCacheSettings DEFAULT = new ImageCacheSettings(DecodedImageCache.Mode.AUTO, 0);

  public ImageCacheSettings {
    java.util.Objects.requireNonNull(mode, "mode");
    if (megabytes < 0) throw new IllegalArgumentException("--cache-memory must be >= 1, got " + megabytes);
  }

  /** The limit in bytes, 0 for the default. */
  public long limitBytes() {
    return Math.multiplyExact(megabytes, 1_000_000L);
  }

  void put(Properties p) {
    p.setProperty("cache_images", mode.name().toLowerCase(Locale.ROOT));
    if (megabytes > 0) p.setProperty("cache_memory", Long.toString(megabytes));
  }

  static ImageCacheSettings load(Properties p) {
    String memory = p.getProperty("cache_memory");
    return new ImageCacheSettings(DecodedImageCache.Mode.valueOf(
        p.getProperty("cache_images", "auto").strip().toUpperCase(Locale.ROOT)),
        memory == null ? 0 : Long.parseLong(memory.strip()));
  }
}
