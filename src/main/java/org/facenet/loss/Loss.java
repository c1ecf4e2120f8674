package org.facenet.loss;

/** A training objective on the embedding network's outputs. */
@FunctionalInterface
public interface Loss {

  LossOutput build(LossInputs inputs);
}
