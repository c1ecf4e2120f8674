package org.facenet.runtime;

import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/** How TensorFlow sessions of this project are configured. */
public final class SessionOptions {

  private SessionOptions() {}

  /** A session on {@code graph}; {@code threads} > 0 fixes TensorFlow's intra-op thread pool size. */
  public static Session open(Graph graph, int threads) {
    return open(graph, threads, false);
  }

  /**
   * A session on {@code graph}. Ops go to the GPU when TensorFlow's GPU library is loaded and sees one (soft
   * placement falls back to the CPU for ops without a GPU kernel); GPU memory grows as needed instead of being
   * taken whole. {@code threads} > 0 fixes the intra-op pool (inter-op: at most 2); {@code xla} turns on
   * TensorFlow's JIT compilation of the graph (GlobalJitLevel ON_1).
   */
  public static Session open(Graph graph, int threads, boolean xla) {
    return open(graph, threads, xla, Precision.FLOAT32);
  }

  /** {@link #open(Graph, int, boolean)} at {@code precision} (see {@link Precision}). */
  public static Session open(Graph graph, int threads, boolean xla, Precision precision) {
    return new Session(graph, config(threads, xla, precision));
  }

  /** The configuration {@link #open(Graph, int, boolean)} uses, with {@code precision}'s rewrite (for loaders). */
  public static ConfigProto config(int threads, boolean xla, Precision precision) {
    ConfigProto.Builder config = ConfigProto.newBuilder().setAllowSoftPlacement(true);
    config.getGpuOptionsBuilder().setAllowGrowth(true);
    if (threads > 0) config.setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(Math.min(2, threads));
    if (xla) {
      config.getGraphOptionsBuilder().getOptimizerOptionsBuilder()
          .setGlobalJitLevel(org.tensorflow.proto.OptimizerOptions.GlobalJitLevel.ON_1);
    }
    return precision.applyTo(config).build();
  }
}
