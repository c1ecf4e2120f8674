package org.facenet.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.facenet.data.Augmentation;
import org.facenet.data.DecodedImage;
import org.facenet.data.DecodedImageCache;
import org.facenet.data.ImageDataset;
import org.facenet.data.TensorFlowImageDecoder;

/**
 * A measurement, not part of training: the random crop + flip of cached 8-bit images done by TensorFlow
 * ({@link TensorFlowImageDecoder#renderInto}) against the same view resampled in plain Java
 * ({@link org.facenet.data.CropFlip}, what the trainer runs on cached images): the CPU time per image of each (this
 * thread's and the process's) and the largest difference between their floats. Usage:
 * {@code java -cp target/facenet-java.jar org.facenet.bench.JavaCropFlipCost TRAIN_DIR [IMAGES]}.
 */
public final class JavaCropFlipCost {

  private JavaCropFlipCost() {}

  public static void main(String[] args) throws Exception {
    ImageDataset ds = ImageDataset.scan(Path.of(args[0]), 1);
    int count = Math.min(ds.images().size(), args.length > 1 ? Integer.parseInt(args[1]) : 1000);
    int size = 96;
    Augmentation aug = new Augmentation(true, true, 0f);
    int n = count;
    DecodedImageCache cache = new DecodedImageCache(n, Long.MAX_VALUE);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    try (TensorFlowImageDecoder d = new TensorFlowImageDecoder(size)) {
      float[] tf = new float[size * size * 3];
      float[] java = new float[size * size * 3];
      for (int i = 0; i < n; i++) {
        int index = i;
        d.decodeInto(ds.images().get(i).path(), tf, 0, (w, h) -> Augmentation.View.centre(w, h), im -> cache.put(index, im));
      }
      double maxDiff = 0;
      long tfCpu = 0;
      long javaCpu = 0;
      long tfProcess = 0;
      long javaProcess = 0;
      for (int round = 0; round < 3; round++) { // the first round warms both up
        Augmentation.View[] views = new Augmentation.View[n];
        SplittableRandom r = new SplittableRandom(round);
        for (int i = 0; i < n; i++) views[i] = aug.sample(cache.get(i).width(), cache.get(i).height(), r);
        float[][] byTf = new float[n][];
        long p0 = processCpu();
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
          Augmentation.View v = views[i];
          byTf[i] = new float[size * size * 3];
          d.renderInto(null, cache.get(i), byTf[i], 0, (w, h) -> v);
        }
        long t1 = mx.getCurrentThreadCpuTime();
        long p1 = processCpu();
        float[][] byJava = new float[n][];
        for (int i = 0; i < n; i++) {
          byJava[i] = new float[size * size * 3];
          org.facenet.data.CropFlip.render(cache.get(i), views[i], size, byJava[i], 0);
        }
        long t2 = mx.getCurrentThreadCpuTime();
        long p2 = processCpu();
        if (round > 0) {
          tfCpu += t1 - t0;
          javaCpu += t2 - t1;
          tfProcess += p1 - p0;
          javaProcess += p2 - p1;
        }
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < byTf[i].length; k++) maxDiff = Math.max(maxDiff, Math.abs(byTf[i][k] - byJava[i][k]));
        }
      }
      n *= 2;
      System.out.printf(Locale.ROOT, "process CPU per image: TensorFlow %.3f ms, Java %.3f ms%n", tfProcess / 1e6 / n,
          javaProcess / 1e6 / n);
      System.out.printf(Locale.ROOT, "%d images %dx%d -> %d px, random crop + flip: TensorFlow %.3f ms of CPU per image, "
          + "Java %.3f ms (this thread's); largest difference %s (0..255)%n", n / 2, cache.get(0).width(), cache.get(0).height(), size,
          tfCpu / 1e6 / n, javaCpu / 1e6 / n, Double.toString(maxDiff));
    }
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

}
