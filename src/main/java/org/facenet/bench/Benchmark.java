package org.facenet.bench;

import java.util.List;
import java.util.Random;
import org.facenet.loss.Losses;
import org.facenet.nn.EmbeddingModel;
import org.facenet.nn.GraphSummary;
import org.facenet.nn.Layers;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.VariableStore;
import org.facenet.train.Optimizer;
import org.facenet.train.OptimizerKind;
import org.facenet.runtime.Precision;
import org.facenet.runtime.SessionOptions;
import org.facenet.train.TrainingGraph;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Throughput of one model configuration on this machine: training steps (forward, backward, optimizer
 * update) and inference (the exported tower), on random pixels, warm-up steps excluded.
 */
public final class Benchmark {

  /** One measured configuration. */
  public record Row(String backbone, int imageSize, int batch, double trainImagesPerSecond,
      double embedImagesPerSecond, double gflopsPerImage, long parameters) {
    /** Achieved GFLOP/s of training, counting forward + backward as 3 x forward. */
    public double trainGflops() {
      return trainImagesPerSecond * gflopsPerImage * 3;
    }
  }

  private Benchmark() {}

  public static Row run(ModelSpec spec, String loss, int batch, int warmup, int steps, int threads) {
    return run(spec, loss, batch, warmup, steps, threads, Precision.FLOAT32);
  }

  /** {@link #run(ModelSpec, String, int, int, int, int)} with both sessions at {@code precision}. */
  public static Row run(ModelSpec spec, String loss, int batch, int warmup, int steps, int threads,
      Precision precision) {
    return train(spec, loss, batch, warmup, steps, threads, precision,
        embed(spec, batch, warmup, steps, threads, precision));
  }

  /** The training step's row, with {@code embedImagesPerSecond} measured elsewhere ({@link #embed}, e.g. another process). */
  public static Row train(ModelSpec spec, String loss, int batch, int warmup, int steps, int threads,
      Precision precision, double embedImagesPerSecond) {
    double train;
    long params;
    float[] pixels = randomPixels(batch, spec.imageSize());
    int classes = 100;
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) labels[i] = i % classes;
    try (TrainingGraph g = TrainingGraph.build(spec, Losses.create(loss, org.facenet.loss.LossOptions.defaults()), classes, Optimizer.facenet(OptimizerKind.ADAM), 1);
        Session s = SessionOptions.open(g.graph, threads, false, precision);
        TFloat32 x = images(pixels, batch, spec.imageSize());
        TInt32 y = TInt32.tensorOf(Shape.of(batch), DataBuffers.of(labels, true, false));
        TFloat32 lr = TFloat32.scalarOf(1e-4f)) {
      s.initialize();
      params = g.variables.trainable().stream().mapToLong(VariableStore.Entry::size).sum();
      train = time(warmup, steps, batch, () -> {
        try (Result r = s.runner().feed(g.images, x).feed(g.labels, y).feed(g.learningRate, lr)
            .addTarget(g.trainOp).fetch(g.totalLoss).run()) {
          return r.size();
        }
      });
    }
    return new Row(spec.backbone(), spec.imageSize(), batch, train, embedImagesPerSecond, flops(spec) / 1e9, params);
  }

  /** Images/s of the graph facenet-embed runs (the exported tower, batch norms folded) at {@code precision}. */
  public static double embed(ModelSpec spec, int batch, int warmup, int steps, int threads, Precision precision) {
    float[] pixels = randomPixels(batch, spec.imageSize());
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      int size = spec.imageSize();
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3)));
      // The graph facenet-embed runs: the exported one, batch norms folded into their layers (random weights here).
      Operand<TFloat32> out = EmbeddingModel.build(Layers.foldedInferenceTower(new VariableStore(tf, 1),
          Layers.BatchNormConfig.FACENET), in, spec).embeddings();
      try (Session s = SessionOptions.open(g, threads, false, precision); TFloat32 x = images(pixels, batch, size)) {
        s.initialize();
        return time(warmup, steps, batch, () -> {
          try (Result r = s.runner().feed(in, x).fetch(out).run()) {
            return r.size();
          }
        });
      }
    }
  }

  /**
   * The input pipeline alone (decode, augmentation, batching on {@code threads} workers): images/s over
   * {@code batches} batches after one warm-up batch, as fast as the pipeline produces them.
   */
  public static double pipeline(org.facenet.data.ImageDataset dataset, int imageSize, int batch,
      org.facenet.data.Augmentation augmentation, int threads, int batches) throws InterruptedException {
    try (org.facenet.data.InputPipeline p = new org.facenet.data.InputPipeline(dataset,
        new org.facenet.data.RandomBatchSampler(dataset.images().size(), batch, 1), imageSize, augmentation, threads, 4, 1,
        w -> { })) {
      p.next();
      long t0 = System.nanoTime();
      for (int i = 0; i < batches; i++) p.next();
      return batches * (double) batch / ((System.nanoTime() - t0) / 1e9);
    }
  }

  /** GFLOP/s of a large float32 matrix product (n x n by n x n) in TensorFlow on this machine: the CPU's ceiling. */
  public static double matmulGflops(int n, int repeats, int threads) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> a = tf.random.randomUniform(tf.constant(new long[] {n, n}), TFloat32.class);
      Operand<TFloat32> b = tf.random.randomUniform(tf.constant(new long[] {n, n}), TFloat32.class);
      Operand<TFloat32> out = tf.sum(tf.linalg.matMul(a, b), tf.constant(new int[] {0, 1}));
      try (Session s = SessionOptions.open(g, threads)) {
        try (Result r = s.runner().fetch(out).run()) {
          r.size();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
          try (Result r = s.runner().fetch(out).run()) {
            r.size();
          }
        }
        return repeats * 2.0 * n * n * n / ((System.nanoTime() - t0) / 1e9) / 1e9;
      }
    }
  }

  /** Forward FLOPs per image of the model's inference tower. */
  public static double flops(ModelSpec spec) {
    String text = GraphSummary.describe(spec, null);
    for (String line : text.split("\n")) {
      if (line.startsWith("# forward FLOPs")) {
        int start = line.indexOf(": ") + 2;
        String n = line.substring(start, line.indexOf(" (", start)).replace(",", "");
        return Double.parseDouble(n);
      }
    }
    throw new IllegalStateException("no FLOP count in the graph summary");
  }

  /** A markdown table of rows. */
  public static String table(List<Row> rows) {
    StringBuilder sb = new StringBuilder(
        "| backbone | image | batch | params | GFLOP/img (fwd) | train img/s | train GFLOP/s | embed img/s |\n"
            + "|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      sb.append(String.format(java.util.Locale.ROOT, "| %s | %d | %d | %,d | %.3f | %.1f | %.1f | %.1f |%n", r.backbone(),
          r.imageSize(), r.batch(), r.parameters(), r.gflopsPerImage(), r.trainImagesPerSecond(), r.trainGflops(),
          r.embedImagesPerSecond()));
    }
    return sb.toString();
  }

  private interface Step {
    int run();
  }

  private static double time(int warmup, int steps, int batch, Step step) {
    for (int i = 0; i < warmup; i++) step.run();
    long t0 = System.nanoTime();
    for (int i = 0; i < steps; i++) step.run();
    return steps * (double) batch / ((System.nanoTime() - t0) / 1e9);
  }

  private static float[] randomPixels(int batch, int size) {
    float[] px = new float[batch * size * size * 3];
    Random r = new Random(1);
    for (int i = 0; i < px.length; i++) px[i] = r.nextInt(256);
    return px;
  }

  private static TFloat32 images(float[] pixels, int batch, int size) {
    return TFloat32.tensorOf(Shape.of(batch, size, size, 3), DataBuffers.of(pixels, true, false));
  }
}
