package org.facenet.cluster;

/**
 * A clustering algorithm driven by one distance or similarity threshold. Every algorithm works on the graph of
 * pairs closer than {@link #radius()}, found once by a {@link NeighbourSearch}; {@link #cluster(Embeddings)} does
 * both steps.
 *
 * <pre>{@code
 * Clustering c = new Dbscan(0.9, 5).cluster(Embeddings.read(Path.of("embeddings.csv")));
 * }</pre>
 */
public interface Clusterer {

  /** The algorithm and its parameters, e.g. {@code dbscan eps=0.9 min-samples=5}. */
  String describe();

  /** The threshold {@code --suggest} scans: DBSCAN's eps, Chinese whispers' or agglomerative's threshold. */
  double threshold();

  /** The same algorithm with another threshold. */
  Clusterer withThreshold(double threshold);

  /**
   * True when the algorithm compares L2-normalised vectors (cosine similarity), false when it uses Euclidean
   * distance between the vectors as given.
   */
  boolean normalises();

  /** Euclidean radius (between the vectors the algorithm compares) of the pairs it needs. */
  double radius();

  /**
   * Clusters embeddings given in the algorithm's space (already normalised if {@link #normalises()}) and their
   * neighbour graph, of radius at least {@link #radius()}; longer edges are ignored, so one graph can serve a
   * whole scan of thresholds.
   */
  Clustering cluster(Embeddings space, NeighbourGraph graph);

  /** Clusters with the exact search {@link SearchMethod#AUTO} picks, on all processors. */
  default Clustering cluster(Embeddings embeddings) {
    return cluster(embeddings, SearchMethod.AUTO.create(embeddings.size(), Runtime.getRuntime().availableProcessors(),
        PartitionedNeighbourSearch.DEFAULT_PROBES));
  }

  /** Clusters with the given neighbour search. */
  default Clustering cluster(Embeddings embeddings, NeighbourSearch search) {
    Embeddings space = normalises() ? embeddings.normalised() : embeddings;
    return cluster(space, search.radiusGraph(space, radius()));
  }
}
