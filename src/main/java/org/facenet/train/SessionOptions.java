package org.facenet.train;

import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/** How TensorFlow sessions of this project are configured. */
public final class SessionOptions {

  private SessionOptions() {}

  /** A session on {@code graph}; {@code threads} > 0 fixes TensorFlow's intra-op thread pool size. */
  public static Session open(Graph graph, int threads) {
    ConfigProto.Builder config = ConfigProto.newBuilder().setAllowSoftPlacement(true);
    if (threads > 0) config.setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(Math.min(2, threads));
    return new Session(graph, config.build());
  }
}
