package org.facenet.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.facenet.bench.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facenet bench}: training and embedding images/s for a configuration. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Measure training and embedding throughput (images/s, warm-up excluded) on random pixels and print a "
        + "markdown table for docs/benchmarks.md.")
final class BenchCommand implements Callable<Integer> {

  @Mixin
  ModelOptions model;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--loss", defaultValue = "softmax", description = "Loss of the training step (default: ${DEFAULT-VALUE}).")
  String loss;

  @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--steps", defaultValue = "10", description = "Timed steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--threads", defaultValue = "0", description = "TensorFlow intra-op threads, 0: TensorFlow decides (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--synthetic-preset", description = "Use the synthetic preset's model size for unset options.")
  boolean syntheticPreset;

  @Override
  public Integer call() {
    List<Benchmark.Row> rows = new ArrayList<>();
    rows.add(Benchmark.run(model.toSpec(syntheticPreset ? Preset.SYNTHETIC : Preset.DATA), loss, batch, warmup, steps,
        threads));
    System.out.print(Benchmark.table(rows));
    System.out.printf("machine: %d cores visible to the JVM, %s %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"), System.getProperty("os.arch"));
    return 0;
  }
}
