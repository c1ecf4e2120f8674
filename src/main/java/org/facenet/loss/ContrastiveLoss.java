package org.facenet.loss;

import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Contrastive loss (Hadsell, Chopra, LeCun) over every pair i < j of the batch:
 * L = mean_{i<j} [ y d^2 + (1 - y) max(m - d, 0)^2 ], y = 1 for the same identity, d the plain Euclidean
 * distance (sqrt guarded at 0), m = {@link LossOptions#margin()}. No factor 1/2: the plain mean over pairs.
 * On L2-normalised embeddings d lies in [0, 2]; the default margin 0.2 is FaceNet's triplet alpha, so
 * contrastive runs usually want a larger one (e.g. --margin 1.0).
 */
public final class ContrastiveLoss implements Loss {

  private final float margin;

  public ContrastiveLoss(LossOptions options) {
    this(options.margin());
  }

  public ContrastiveLoss(float margin) {
    this.margin = margin;
  }

  @Override
  public boolean needsIdentityBatches() {
    return true;
  }

  @Override
  public LossOutput build(LossInputs in) {
    return contrastive(in.layers().tf().withSubScope("ContrastiveLoss"), in.embeddings(), in.labels(), margin);
  }

  /**
   * The loss on any embeddings [N, D] and labels [N]; 0 for fewer than two images. Diagnostics:
   * mean_positive_distance, mean_negative_distance (over same- / different-identity pairs, 0 if none).
   */
  public static LossOutput contrastive(Ops tf, Operand<TFloat32> embeddings, Operand<TInt32> labels, float margin) {
    Operand<TFloat32> d2 = PairwiseDistances.squaredEuclidean(tf, embeddings);
    Operand<TFloat32> d = PairwiseDistances.sqrtGuarded(tf, d2);
    Operand<TBool> pairs = PairwiseDistances.upperTriangle(tf, labels);
    Operand<TBool> same = PairwiseDistances.sameLabel(tf, labels);
    // pair term: y d^2 + (1 - y) max(m - d, 0)^2
    Operand<TFloat32> pull = tf.math.maximum(tf.math.sub(tf.constant(margin), d), tf.constant(0f));
    Operand<TFloat32> term = tf.select(same, d2, tf.math.square(pull));
    Operand<TFloat32> loss = PairwiseDistances.maskedMean(tf, term, pairs);
    return new LossOutput(loss, Map.of(
        "mean_positive_distance", PairwiseDistances.maskedMean(tf, d, tf.math.logicalAnd(pairs, same)),
        "mean_negative_distance",
        PairwiseDistances.maskedMean(tf, d, tf.math.logicalAnd(pairs, tf.math.logicalNot(same)))), List.of());
  }
}
