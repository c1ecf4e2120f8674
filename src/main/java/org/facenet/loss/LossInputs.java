package org.facenet.loss;

import org.facenet.nn.Layers;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * What a loss may read from the training tower.
 *
 * @param layers     the training tower (for a loss's own variables, e.g. classifier weights)
 * @param prelogits  the bottleneck output [N, D] before L2 normalisation
 * @param embeddings the L2-normalised embeddings [N, D]
 * @param labels     class indices [N] in 0..numClasses-1
 * @param numClasses the number of training identities
 * @param marginFactor a scalar 0..1 the margin losses multiply their margin by (a margin warm-up), or null: the full
 *                   margin as a constant
 */
public record LossInputs(Layers layers, Operand<TFloat32> prelogits, Operand<TFloat32> embeddings,
    Operand<TInt32> labels, int numClasses, Operand<TFloat32> marginFactor) {

  /** The inputs with the full margin. */
  public LossInputs(Layers layers, Operand<TFloat32> prelogits, Operand<TFloat32> embeddings, Operand<TInt32> labels,
      int numClasses) {
    this(layers, prelogits, embeddings, labels, numClasses, null);
  }
}
