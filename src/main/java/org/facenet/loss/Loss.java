package org.facenet.loss;

/** A training objective on the embedding network's outputs. */
@FunctionalInterface
public interface Loss {

  LossOutput build(LossInputs inputs);

  /**
   * Whether batches must hold several images of each identity (P identities x K images), as metric losses
   * need; classification losses are fine with uniformly random batches.
   */
  default boolean needsIdentityBatches() {
    return false;
  }
}
