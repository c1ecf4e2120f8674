package org.facenet.cluster;

import java.util.Locale;
import org.facenet.runtime.Precision;

/** How the neighbour graph is found; {@link #AUTO} picks by size. */
public enum SearchMethod {
  /**
   * {@link #JAVA} below {@value #AUTO_JAVA_BELOW} embeddings (no TensorFlow start-up), else
   * {@link #TENSORFLOW_BF16} when the CPU has bfloat16 instructions (avx512_bf16 or amx_bf16 in /proc/cpuinfo), else
   * {@link #TENSORFLOW}. All three are exact.
   */
  AUTO,
  /** Exact; plain-Java tiles ({@link BlockedNeighbourSearch}). */
  JAVA,
  /** Exact; float32 TensorFlow MatMul tiles ({@link TensorFlowNeighbourSearch}). */
  TENSORFLOW,
  /** Exact; bfloat16 TensorFlow MatMul tiles, re-checked in double ({@link TensorFlowNeighbourSearch}). */
  TENSORFLOW_BF16,
  /**
   * Approximate; k-means cells, each point compared with its nearest cells only ({@link PartitionedNeighbourSearch}),
   * for millions of embeddings. bfloat16 GEMM when the CPU has it.
   */
  PARTITIONED;

  public static final int AUTO_JAVA_BELOW = 5000;

  /** Parses e.g. "tensorflow-bf16" (any case; '-' or '_'). */
  public static SearchMethod parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("search must be auto, java, tensorflow, tensorflow-bf16 or partitioned, got '" + s + "'");
    }
  }

  /** What {@link #AUTO} means for {@code n} embeddings on this machine; other methods are themselves. */
  public SearchMethod resolve(int n) {
    if (this != AUTO) return this;
    if (n < AUTO_JAVA_BELOW) return JAVA;
    return Precision.cpuHasBfloat16() ? TENSORFLOW_BF16 : TENSORFLOW;
  }

  /** The option spelling, e.g. "tensorflow-bf16". */
  public String spelling() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The search for {@code n} embeddings on {@code threads} threads; {@code probes}: see {@link PartitionedNeighbourSearch}. */
  public NeighbourSearch create(int n, int threads, int probes) {
    return switch (this) {
      case AUTO -> resolve(n).create(n, threads, probes);
      case JAVA -> new BlockedNeighbourSearch(threads);
      case TENSORFLOW -> new TensorFlowNeighbourSearch(threads, Precision.FLOAT32);
      case TENSORFLOW_BF16 -> new TensorFlowNeighbourSearch(threads, Precision.BFLOAT16);
      case PARTITIONED -> new PartitionedNeighbourSearch(threads, 0, probes,
          Precision.cpuHasBfloat16() ? Precision.BFLOAT16 : Precision.FLOAT32, 0);
    };
  }
}
