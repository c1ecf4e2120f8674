package org.facenet.cluster;

import org.facenet.progress.ProgressListener;

/** Finds every pair of embeddings within a Euclidean radius. */
public interface NeighbourSearch {

  /**
   * The graph of all pairs {@code i != j} with Euclidean distance at most {@code radius} (an approximate search
   * may miss some; an exact one may not).
   */
  default NeighbourGraph radiusGraph(Embeddings embeddings, double radius) {
    return radiusGraph(embeddings, radius, ProgressListener.NONE);
  }

  /** As {@link #radiusGraph(Embeddings, double)}, telling {@code progress} how many of its blocks of work are done. */
  NeighbourGraph radiusGraph(Embeddings embeddings, double radius, ProgressListener progress);
}
