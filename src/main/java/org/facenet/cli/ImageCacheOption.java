package org.facenet.cli;

import java.util.Locale;
import org.facenet.data.DecodedImageCache;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** {@code --cache-images} and {@code --cache-memory}: the training images kept decoded in memory (train, bench). */
final class ImageCacheOption {

  @Option(names = "--cache-images", paramLabel = "auto|on|off", defaultValue = "auto", converter = ModeConverter.class,
      description = "Keep the decoded training images in memory as 8-bit pixels, so each file is read and decoded once "
          + "and only the augmentation runs per step (the same pixels as without it). auto: when they fit in "
          + "--cache-memory, else streamed as with off (said once); on: with no limit unless --cache-memory is given; "
          + "off: decode every image at every step (default: ${DEFAULT-VALUE}).")
  DecodedImageCache.Mode mode = DecodedImageCache.Mode.AUTO;

  @Range(min = 1)
  @Option(names = "--cache-memory", paramLabel = "MB",
      description = "The image cache's limit in megabytes of pixels (default: a quarter of the JVM's maximum heap "
          + "for auto).")
  Long megabytes;

  DecodedImageCache.Mode mode() {
    return mode;
  }

  /** The limit in bytes, or 0 when --cache-memory is not given. */
  long limitBytes() {
    return settings().limitBytes();
  }

  /** The settings a training run saves in run.properties. */
  org.facenet.train.ImageCacheSettings settings() {
    return new org.facenet.train.ImageCacheSettings(mode, megabytes == null ? 0 : megabytes);
  }

  static final class ModeConverter implements ITypeConverter<DecodedImageCache.Mode> {
    @Override
    public DecodedImageCache.Mode convert(String value) {
      try {
        return DecodedImageCache.Mode.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not auto, on or off");
      }
    }
  }
}
