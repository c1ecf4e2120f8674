package org.facenet.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

/**
 * The arithmetic of a session's convolutions and matrix products. {@link #BFLOAT16} turns on TensorFlow's
 * {@code auto_mixed_precision_onednn_bfloat16} graph rewrite: convolutions, matrix products and batch norm run on
 * bfloat16 operands with float32 accumulation (oneDNN), while variables, the L2 normalisation and the outputs stay
 * float32. On CPUs with bfloat16 instructions (AVX512_BF16, AMX) that is about twice the float32 throughput, for
 * embeddings that differ from float32 in the third decimal; elsewhere TensorFlow emulates it, slower than float32.
 */
public enum Precision {
  FLOAT32,
  BFLOAT16;

  /** Sets this precision's graph rewrite on {@code config} (nothing for float32). */
  public ConfigProto.Builder applyTo(ConfigProto.Builder config) {
    if (this == BFLOAT16) {
      config.getGraphOptionsBuilder().getRewriteOptionsBuilder()
          .setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON);
    }
    return config;
  }

  /**
   * A warning when this precision needs instructions that {@code /proc/cpuinfo} says the CPU lacks; empty where it
   * has them, for float32, and where there is no {@code /proc/cpuinfo} to read.
   */
  public Optional<String> cpuWarning() {
    return this == BFLOAT16 ? cpuWarning(CPUINFO) : Optional.empty();
  }

  /** True when /proc/cpuinfo lists bfloat16 instructions (avx512_bf16 or amx_bf16); false where it cannot be read. */
  public static boolean cpuHasBfloat16() {
    return bfloat16Flags(CPUINFO).orElse(false);
  }

  private static final Path CPUINFO = Path.of("/proc/cpuinfo");

  /** Whether {@code cpuinfo}'s flags list bfloat16 instructions; empty if it cannot be read. */
  static Optional<Boolean> bfloat16Flags(Path cpuinfo) {
    try {
      return Optional.of(Files.readString(cpuinfo).lines().filter(l -> l.startsWith("flags"))
          .anyMatch(l -> (" " + l + " ").matches(".*[ \\t](avx512_bf16|amx_bf16)[ \\t].*")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static Optional<String> cpuWarning(Path cpuinfo) {
    boolean native16 = bfloat16Flags(cpuinfo).orElse(true);
    return native16 ? Optional.empty()
        : Optional.of("this CPU has no bfloat16 instructions (avx512_bf16, amx_bf16 in /proc/cpuinfo): TensorFlow "
            + "emulates bfloat16 here, which is slower than float32; drop --precision bfloat16");
  }
}
