package org.facenet.cli;

import java.nio.file.Path;
import org.facenet.embed.Embedder;
import org.facenet.runtime.Precision;
import picocli.CommandLine.Option;

/** {@code --precision}, shared by every command that runs a model (train, embed, verify, bench). */
final class PrecisionOption {

  @Option(names = "--precision", paramLabel = "KIND", defaultValue = "FLOAT32",
      description = "Arithmetic of the model's convolutions and matrix products: ${COMPLETION-CANDIDATES}. BFLOAT16 "
          + "(TensorFlow's oneDNN mixed-precision rewrite; variables and outputs stay float32) is 1.5-1.9x as fast "
          + "at 160 px on CPUs with bfloat16 instructions (AVX512_BF16, AMX), for embeddings that differ from float32 "
          + "in the third decimal (default: ${DEFAULT-VALUE}).")
  Precision precision;

  /** The chosen precision; a warning on stderr if the CPU lacks its instructions. */
  Precision get() {
    precision.cpuWarning().ifPresent(w -> System.err.println("warning: " + w));
    return precision;
  }

  /**
   * The model in {@code dir} (or in the run folder {@code dir}'s saved_model/, said on stderr) at the chosen precision;
   * what its facenet-metadata.json says it expects is printed on stderr, and a warning if the file is missing or
   * unreadable (the defaults are used).
   */
  Embedder load(Path dir) {
    Embedder embedder = Embedder.load(dir, get(), note -> System.err.println("note: " + note));
    embedder.info().problem().ifPresent(p -> System.err.println("warning: " + p));
    System.err.println("model: " + embedder.info().describe(true));
    return embedder;
  }
}
