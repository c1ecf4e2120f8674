package org.facenet.bench;

import java.lang.management.ManagementFactory;
import org.facenet.data.Augmentation;
import org.facenet.data.Batch;
import org.facenet.data.DecodedImageCache;
import org.facenet.data.ImageDataset;
import org.facenet.data.ImageHeader;
import org.facenet.data.InputPipeline;
import org.facenet.data.RandomBatchSampler;
import org.facenet.loss.LossOptions;
import org.facenet.loss.Losses;
import org.facenet.nn.ModelSpec;
import org.facenet.runtime.Precision;
import org.facenet.runtime.SessionOptions;
import org.facenet.train.Optimizer;
import org.facenet.train.OptimizerKind;
import org.facenet.train.TrainingGraph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The input pipeline on a real data set ({@code facenet bench --data}): alone (images/s and the process's CPU time per
 * batch) and feeding the training step as the trainer does (the pipeline's workers beside the session on the same
 * cores), with or without a {@link DecodedImageCache}. A cache is filled by one untimed pass over the data set first,
 * so the timed batches are what a training run sees from its second epoch on.
 */
public final class PipelineBenchmark {

  /** The pipeline alone: images/s and process CPU milliseconds per batch. */
  public record Alone(double imagesPerSecond, double cpuMsPerBatch) {}

  private PipelineBenchmark() {}

  /** Fills {@code cache} (if not null) with one pass over the data set; returns the seconds it took. */
  public static double fill(ImageDataset dataset, int imageSize, int batch, Augmentation augmentation, int threads,
      DecodedImageCache cache) throws InterruptedException {
    if (cache == null) return 0;
    long t0 = System.nanoTime();
    try (InputPipeline p = pipeline(dataset, imageSize, batch, augmentation, threads, cache)) {
      for (int i = 0; i < (dataset.images().size() + batch - 1) / batch; i++) p.next();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** The pipeline alone over {@code batches} batches after one warm-up batch. */
  public static Alone alone(ImageDataset dataset, int imageSize, int batch, Augmentation augmentation, int threads,
      int batches, DecodedImageCache cache) throws InterruptedException {
    try (InputPipeline p = pipeline(dataset, imageSize, batch, augmentation, threads, cache)) {
      p.next();
      long t0 = System.nanoTime();
      long c0 = cpuNanos();
      for (int i = 0; i < batches; i++) p.next();
      long cpu = cpuNanos() - c0;
      return new Alone(batches * (double) batch / ((System.nanoTime() - t0) / 1e9), cpu / 1e6 / batches);
    }
  }

  /** Training images/s with each step's batch taken from the pipeline, as the trainer runs it. */
  public static double fedTraining(ModelSpec spec, String loss, ImageDataset dataset, int batch, Augmentation augmentation,
      int inputThreads, int warmup, int steps, int threads, Precision precision, DecodedImageCache cache)
      throws InterruptedException {
    int size = spec.imageSize();
    try (TrainingGraph g = TrainingGraph.build(spec, Losses.create(loss, LossOptions.defaults()), dataset.numClasses(),
            Optimizer.facenet(OptimizerKind.ADAM), 1);
        Session s = SessionOptions.open(g.graph, threads, false, precision);
        TFloat32 lr = TFloat32.scalarOf(1e-4f);
        InputPipeline p = pipeline(dataset, size, batch, augmentation, inputThreads, cache)) {
      s.initialize();
      long t0 = 0;
      for (int i = 0; i < warmup + steps; i++) {
        if (i == warmup) t0 = System.nanoTime();
        Batch b = p.next();
        try (TFloat32 x = TFloat32.tensorOf(Shape.of(b.size, size, size, 3), DataBuffers.of(b.pixels, true, false));
            TInt32 y = TInt32.tensorOf(Shape.of(b.size), DataBuffers.of(b.labels, true, false));
            Result r = s.runner().feed(g.images, x).feed(g.labels, y).feed(g.learningRate, lr).addTarget(g.trainOp)
                .fetch(g.totalLoss).run()) {
          r.size();
        }
      }
      return steps * (double) batch / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private static InputPipeline pipeline(ImageDataset dataset, int imageSize, int batch, Augmentation augmentation,
      int threads, DecodedImageCache cache) {
    return new InputPipeline(dataset, new RandomBatchSampler(dataset.images().size(), batch, 1), imageSize, augmentation,
        threads, 4, 1, ImageHeader.DEFAULT_MAX_PIXELS, cache, w -> { });
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
