package org.facenet.loss;

import java.util.List;
import java.util.Map;
import org.facenet.nn.Activation;
import org.facenet.nn.Layers;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Softmax cross-entropy over the training identities on a "Logits" layer above the bottleneck:
 * L = mean_i -log softmax(W x_i + b)_{y_i} (facenet's train_softmax.py).
 */
public final class SoftmaxLoss implements Loss {

  @Override
  public LossOutput build(LossInputs in) {
    Ops tf = in.layers().tf();
    Operand<TFloat32> logits = in.layers().dense("Logits", in.prelogits(), in.numClasses(), false, Activation.NONE);
    return new LossOutput(crossEntropy(tf, logits, in.labels(), in.numClasses()),
        Map.of("accuracy", accuracy(tf, logits, in.labels())), List.of());
  }

  /**
   * Mean softmax cross-entropy of integer labels. One-hot + SoftmaxCrossEntropyWithLogits, because TF Java
   * has no gradient for SparseSoftmaxCrossEntropyWithLogits.
   */
  public static Operand<TFloat32> crossEntropy(Ops tf, Operand<TFloat32> logits, Operand<TInt32> labels, int numClasses) {
    Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(numClasses), tf.constant(1f), tf.constant(0f));
    return tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
  }

  /** Fraction of rows whose largest logit is the label's. */
  public static Operand<TFloat32> accuracy(Ops tf, Operand<TFloat32> logits, Operand<TInt32> labels) {
    Operand<TInt32> predicted = tf.math.argMax(logits, tf.constant(1), TInt32.class);
    return tf.math.mean(tf.dtypes.cast(tf.math.equal(predicted, labels), TFloat32.class), tf.constant(0));
  }
}
