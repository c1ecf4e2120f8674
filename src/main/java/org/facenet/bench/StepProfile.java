package org.facenet.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.facenet.data.Augmentation;
import org.facenet.data.Batch;
import org.facenet.data.ImageDataset;
import org.facenet.data.InputPipeline;
import org.facenet.data.RandomBatchSampler;
import org.facenet.loss.LossOptions;
import org.facenet.loss.Losses;
import org.facenet.nn.BackboneConfig;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.facenet.runtime.Precision;
import org.facenet.runtime.SessionOptions;
import org.facenet.train.Optimizer;
import org.facenet.train.OptimizerKind;
import org.facenet.train.TrainingGraph;
import org.tensorflow.Operation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Where a small model's training step goes (issue 16): the synthetic preset's network (96 px, width 0.5, depth 0.2,
 * 128-D, batch 64, softmax, Adam) timed piece by piece, medians of {@code steps} steps after a warm-up: the Java-side
 * tensors of a batch, the session run with the trainer's fetches and with the train op alone, the input pipeline
 * alone and the step with the pipeline running beside it, and one step traced (RunOptions FULL_TRACE) summed by op
 * type. Usage: {@code java -cp target/facenet-java.jar org.facenet.bench.StepProfile TRAIN_DIR [STEPS]}.
 */
public final class StepProfile {

  private StepProfile() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int batch = 64;
    ModelSpec spec = new ModelSpec("inception-resnet-v1", 96, new BackboneConfig(128, 0.8f, 0.5f, 0.2f), 5e-4f,
        Standardization.FIXED);
    ImageDataset dataset = ImageDataset.scan(dir, 1);
    int classes = dataset.numClasses();
    try (TrainingGraph g = TrainingGraph.build(spec, Losses.create("softmax", LossOptions.defaults()), classes,
            Optimizer.facenet(OptimizerKind.ADAM), 1);
        Session s = SessionOptions.open(g.graph, 0, false, Precision.FLOAT32);
        InputPipeline input = new InputPipeline(dataset, new RandomBatchSampler(dataset.images().size(), batch, 1), 96,
            new Augmentation(true, true, 0f), 2, 4, 1, org.facenet.data.ImageHeader.DEFAULT_MAX_PIXELS, m -> { })) {
      s.initialize();
      System.out.printf(Locale.ROOT, "graph: %d operations; %d trainable variables%n", count(g),
          g.variables.trainable().size());
      Batch first = input.next();
      List<String> diag = List.copyOf(g.diagnostics.keySet());
      // warm-up
      for (int i = 0; i < 5; i++) step(s, g, first, diag, true, null);

      report("tensors of a batch (Java -> native)", steps, () -> {
        long t0 = System.nanoTime();
        try (TFloat32 x = TFloat32.tensorOf(Shape.of(batch, 96, 96, 3), DataBuffers.of(first.pixels, true, false));
            TInt32 y = TInt32.tensorOf(Shape.of(batch), DataBuffers.of(first.labels, true, false))) {
          return System.nanoTime() - t0;
        }
      });
      report("session run, the trainer's fetches (loss, terms, diagnostics)", steps,
          () -> step(s, g, first, diag, true, null));
      report("session run, train op and total loss only", steps, () -> step(s, g, first, diag, false, null));
      report("input pipeline alone, a batch (2 threads)", steps, () -> {
        long t0 = System.nanoTime();
        next(input);
        return System.nanoTime() - t0;
      });
      report("step with the input pipeline beside it (next + run)", steps, () -> {
        long t0 = System.nanoTime();
        Batch b = next(input);
        step(s, g, b, diag, true, null);
        return System.nanoTime() - t0;
      });

      RunMetadata[] meta = new RunMetadata[1];
      step(s, g, first, diag, true, meta);
      Map<String, long[]> byType = new HashMap<>();
      long first0 = Long.MAX_VALUE, last = 0;
      int nodes = 0;
      for (DeviceStepStats d : meta[0].getStepStats().getDevStatsList()) {
        for (NodeExecStats n : d.getNodeStatsList()) {
          Operation op = g.graph.operation(n.getNodeName());
          String type = op == null ? n.getNodeName() : op.type();
          long[] a = byType.computeIfAbsent(type, k -> new long[2]);
          a[0] += n.getAllEndRelMicros();
          a[1]++;
          nodes++;
          first0 = Math.min(first0, n.getAllStartMicros());
          last = Math.max(last, n.getAllStartMicros() + n.getAllEndRelMicros());
        }
      }
      long total = byType.values().stream().mapToLong(a -> a[0]).sum();
      System.out.printf(Locale.ROOT, "traced step: %d nodes executed, %.1f ms from the first node's start to the last's "
          + "end, %.1f ms of op time summed over threads%n", nodes, (last - first0) / 1e3, total / 1e3);
      List<Map.Entry<String, long[]>> sorted = new ArrayList<>(byType.entrySet());
      sorted.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
      for (int i = 0; i < Math.min(25, sorted.size()); i++) {
        Map.Entry<String, long[]> e = sorted.get(i);
        System.out.printf(Locale.ROOT, "  %-40s %5d nodes %8.1f ms %5.1f%%%n", e.getKey(), e.getValue()[1],
            e.getValue()[0] / 1e3, 100.0 * e.getValue()[0] / total);
      }
    }
  }

  private static Batch next(InputPipeline input) {
    try {
      return input.next();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int count(TrainingGraph g) {
    int n = 0;
    for (var it = g.graph.operations(); it.hasNext(); it.next()) n++;
    return n;
  }

  /** One training step on {@code b}; its wall time in ns. */
  private static long step(Session s, TrainingGraph g, Batch b, List<String> diag, boolean allFetches,
      RunMetadata[] meta) {
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(b.size, 96, 96, 3), DataBuffers.of(b.pixels, true, false));
        TInt32 y = TInt32.tensorOf(Shape.of(b.size), DataBuffers.of(b.labels, true, false));
        TFloat32 lr = TFloat32.scalarOf(0.01f)) {
      long t0 = System.nanoTime();
      Session.Runner r = s.runner().feed(g.images, x).feed(g.labels, y).feed(g.learningRate, lr).addTarget(g.trainOp)
          .fetch(g.totalLoss);
      if (allFetches) {
        r.fetch(g.loss).fetch(g.regularization);
        for (String n : diag) r.fetch(g.diagnostics.get(n));
      }
      if (meta != null) {
        r.setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
        try (Result res = r.runAndFetchMetadata()) {
          meta[0] = res.getMetadata().orElseThrow();
        }
      } else {
        try (Result res = r.run()) {
          ((TFloat32) res.get(0)).getFloat();
        }
      }
      return System.nanoTime() - t0;
    }
  }

  private static void report(String what, int steps, Supplier<Long> timed) {
    long[] t = new long[steps];
    for (int i = 0; i < steps; i++) t[i] = timed.get();
    Arrays.sort(t);
    System.out.printf(Locale.ROOT, "%-62s median %8.2f ms  (min %.2f, max %.2f)%n", what, t[steps / 2] / 1e6,
        t[0] / 1e6, t[steps - 1] / 1e6);
  }
}
