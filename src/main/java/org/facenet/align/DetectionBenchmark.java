package org.facenet.align;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.facenet.data.BadImageException;

/**
 * Detection time on one photo ({@code facenet bench --detect PHOTO}): the photo decoded once, {@code warmup} untimed
 * detections, then {@code steps} timed ones; the median. One parseable line, as the peers in tools/bench print.
 */
public final class DetectionBenchmark {

  private DetectionBenchmark() {}

  public static String run(Path photo, int warmup, int steps) throws BadImageException {
    try (PhotoDecoder decoder = new PhotoDecoder(Long.MAX_VALUE); FaceDetector detector = new FaceDetector()) {
      RgbImage image = decoder.decode(photo).image();
      int faces = 0;
      for (int i = 0; i < warmup; i++) faces = detector.detect(image).size();
      double[] ms = new double[Math.max(1, steps)];
      for (int i = 0; i < ms.length; i++) {
        long t0 = System.nanoTime();
        faces = detector.detect(image).size();
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(ms);
      double median = ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
      return String.format(Locale.ROOT, "detector=java detect_ms_median=%.1f faces=%d size=%dx%d steps=%d onednn=%s",
          median, faces, image.width(), image.height(), ms.length,
          System.getenv().getOrDefault("TF_ENABLE_ONEDNN_OPTS", "default"));
    }
  }
}
