package org.facenet.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.facenet.align.DetectionBenchmark;
import org.facenet.bench.Benchmark;
import org.facenet.bench.PipelineBenchmark;
import org.facenet.data.Augmentation;
import org.facenet.data.DecodedImageCache;
import org.facenet.data.ImageDataset;
import org.facenet.nn.Backbones;
import org.facenet.nn.ModelSpec;
import org.facenet.runtime.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facenet bench}: training and embedding images/s for a configuration. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Measure training and embedding throughput (images/s, warm-up excluded) on random pixels and print a "
        + "markdown table for docs/benchmarks.md.",
        "Run by tools/facenet, training is measured as facenet-train runs (TensorFlow's oneDNN kernels, "
        + "TF_ENABLE_ONEDNN_OPTS=1) and embedding in a second JVM as facenet-embed runs (as TensorFlow chooses); "
        + "a TF_ENABLE_ONEDNN_OPTS of your own applies to both, in one JVM."})
final class BenchCommand implements Callable<Integer> {

  @Mixin
  ModelOptions model;

  @Range(min = 1)
  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--loss", defaultValue = "softmax", description = "Loss of the training step (default: ${DEFAULT-VALUE}).")
  String loss;

  @Range(min = 0)
  @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Range(min = 1)
  @Option(names = "--steps", defaultValue = "10", description = "Timed steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Range(min = 0)
  @Option(names = "--threads", defaultValue = "0", description = "TensorFlow intra-op threads, 0: TensorFlow decides (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--synthetic-preset", description = "Use the synthetic preset's model size for unset options.")
  boolean syntheticPreset;

  @Option(names = "--all-backbones", description = "Measure every registered backbone at its default image size "
      + "(ignores --backbone and --image-size).")
  boolean allBackbones;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Also measure the input pipeline (decode, random crop, flip, batching) on this data set: alone, and "
          + "feeding the training step.")
  Path data;

  @Range(min = 1)
  @Option(names = "--input-threads", paramLabel = "N", defaultValue = "2",
      description = "Decoding threads of the pipeline measurement (default: ${DEFAULT-VALUE}).")
  int inputThreads;

  @Mixin
  PrecisionOption precision;

  @Mixin
  ImageCacheOption imageCache;

  @Option(names = "--matmul", description = "Also measure a 2048 x 2048 matrix product's GFLOP/s (the CPU's ceiling).")
  boolean matmul;

  @Option(names = "--detect", paramLabel = "PHOTO",
      description = "Instead: MTCNN face detection time on PHOTO (median of --steps after --warmup).")
  Path detect;

  /**
   * Set to 1 by tools/facenet when it turned TensorFlow's oneDNN kernels on for the training measurements (as it does
   * for facenet-train): the embedding measurements then run in a second JVM without that setting, as facenet-embed runs.
   */
  static final String EMBED_APART = "FACENET_BENCH_EMBED_APART";

  @Option(names = "--embed-only", hidden = true, description = "Print only the embedding rates, one line a model.")
  boolean embedOnly;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (detect != null) {
      System.out.println(DetectionBenchmark.run(detect, warmup, steps));
      return 0;
    }
    List<Benchmark.Row> rows = new ArrayList<>();
    Preset preset = syntheticPreset ? Preset.SYNTHETIC : Preset.DATA;
    Precision p = precision.get();
    List<ModelSpec> specs = new ArrayList<>();
    if (allBackbones) {
      for (String name : Backbones.names()) {
        model.backbone = name;
        model.imageSize = null;
        specs.add(model.toSpec(Preset.DATA.withImageSize(null)));
      }
    } else {
      specs.add(model.toSpec(preset));
    }
    if (embedOnly) {
      for (ModelSpec m : specs) {
        System.out.println("embed_images_per_second=" + Benchmark.embed(m, batch, warmup, steps, threads, p));
      }
      return 0;
    }
    if (p != Precision.FLOAT32) System.out.println("precision: " + p);
    List<Double> embedRates = "1".equals(System.getenv(EMBED_APART)) ? embedInAnotherProcess(specs.size()) : null;
    if (embedRates != null) {
      System.out.println("oneDNN: training with TF_ENABLE_ONEDNN_OPTS=1 (as tools/facenet trains); embedding in a second "
          + "JVM as TensorFlow chooses (as facenet-embed runs)");
    }
    for (int i = 0; i < specs.size(); i++) {
      ModelSpec m = specs.get(i);
      rows.add(embedRates == null ? Benchmark.run(m, loss, batch, warmup, steps, threads, p)
          : Benchmark.train(m, loss, batch, warmup, steps, threads, p, embedRates.get(i)));
      if (allBackbones) {
        System.out.print(Benchmark.table(rows.subList(rows.size() - 1, rows.size())).lines().skip(2)
            .reduce("", (a, b) -> a + b + "\n"));
      }
    }
    System.out.print(Benchmark.table(rows));
    if (data != null) {
      int size = rows.get(0).imageSize();
      ImageDataset ds = ImageDataset.scan(data, 1);
      Augmentation aug = new Augmentation(true, true, 0f);
      DecodedImageCache cache = DecodedImageCache.create(imageCache.mode(),
          ds.images().size(), imageCache.limitBytes());
      double fill = PipelineBenchmark.fill(ds, size, batch, aug, inputThreads, cache);
      if (cache != null) {
        System.out.printf(Locale.ROOT, "image cache: %s (%d images, %.1f MB of pixels, filled in %.1f s)%n",
            cache.streaming() ? "streaming, the images did not fit" : "on", cache.size(), cache.bytes() / 1e6, fill);
      }
      PipelineBenchmark.Alone alone = PipelineBenchmark.alone(ds, size, batch, aug,
          inputThreads, Math.max(steps, 10), cache);
      System.out.printf(Locale.ROOT, "input pipeline alone: %.1f images/s at %d px (%d decoding threads, "
          + "random crop + flip, image cache %s), %.1f ms of CPU per batch of %d, vs training step %.1f images/s%n",
          alone.imagesPerSecond(), size, inputThreads, cache == null || cache.streaming() ? "off" : "on",
          alone.cpuMsPerBatch(), batch, rows.get(0).trainImagesPerSecond());
      if (!allBackbones) {
        double fed = PipelineBenchmark.fedTraining(model.toSpec(preset), loss, ds, batch, aug,
            inputThreads, warmup, steps, threads, p, cache);
        System.out.printf(Locale.ROOT, "training fed by the input pipeline: %.1f images/s (%d classes)%n", fed,
            ds.numClasses());
      }
    }
    if (matmul) {
      double ceiling = Benchmark.matmulGflops(2048, 10, threads);
      System.out.printf(Locale.ROOT, "matrix product 2048^3: %.1f GFLOP/s; training achieves %.0f%% of it%n",
          ceiling, 100 * rows.get(0).trainGflops() / ceiling);
    }
    System.out.printf("machine: %d cores visible to the JVM, %s %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"), System.getProperty("os.arch"));
    return 0;
  }

  /**
   * The embedding rates of this command's models measured by this command again with {@code --embed-only} in a second
   * JVM (same java, class path and JVM options) whose environment has no TF_ENABLE_ONEDNN_OPTS: TensorFlow reads it
   * once, when its library loads, so one process cannot measure training with oneDNN and embedding without.
   */
  private List<Double> embedInAnotherProcess(int models) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FacenetCommand.class.getName()));
    cmd.addAll(spec.commandLine().getParseResult().originalArgs());
    cmd.add("--embed-only");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().remove("TF_ENABLE_ONEDNN_OPTS");
    pb.environment().remove(EMBED_APART);
    Process child = pb.start();
    child.getOutputStream().close();
    List<Double> rates = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("embed_images_per_second=")) rates.add(Double.parseDouble(line.substring(line.indexOf('=') + 1)));
      }
    }
    int exit = child.waitFor();
    if (exit != 0 || rates.size() != models) {
      throw new IllegalStateException("the embedding measurement's JVM exited with " + exit + " after " + rates.size()
          + " of " + models + " rates: " + cmd);
    }
    return rates;
  }
}
