package org.facenet.cluster;

/** Finds every pair of embeddings within a Euclidean radius. */
public interface NeighbourSearch {

  /**
   * The graph of all pairs {@code i != j} with Euclidean distance at most {@code radius} (an approximate search
   * may miss some; an exact one may not).
   */
  NeighbourGraph radiusGraph(Embeddings embeddings, double radius);
}
