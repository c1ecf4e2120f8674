package org.facenet.cli;

import java.nio.file.Path;
import org.facenet.embed.Embedder;
import org.facenet.train.Precision;
import picocli.CommandLine.Option;

/** The options of every command that runs an exported model, and the loading of it. */
final class InferenceOptions {

  @Option(names = "--precision", paramLabel = "KIND", defaultValue = "FLOAT32",
      description = "Arithmetic of the model's convolutions and matrix products: ${COMPLETION-CANDIDATES}. BFLOAT16 "
          + "(TensorFlow's oneDNN mixed-precision rewrite) is about twice as fast on CPUs with bfloat16 instructions "
          + "(AVX512_BF16, AMX) for embeddings that differ from float32 in the third decimal (default: ${DEFAULT-VALUE}).")
  Precision precision;

  /** The model in {@code dir} at the chosen precision; a warning on stderr if the CPU lacks its instructions. */
  Embedder load(Path dir) {
    precision.cpuWarning().ifPresent(w -> System.err.println("warning: " + w));
    return Embedder.load(dir, precision);
  }
}
