package org.facenet.loss;

import java.util.List;
import java.util.Map;
import org.facenet.nn.Activation;
import org.facenet.nn.Initializer;
import org.facenet.nn.VariableStore;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Softmax cross-entropy plus center loss (Wen et al.; facenet's {@code center_loss}):
 * L = CE(W x + b, y) + centerLossFactor * (1/N) sum_i ||x_i - c_{y_i}||^2 / 2, on the prelogits, with the centers
 * read before this step's update c_y <- c_y - (1 - alfa)(c_y - x).
 *
 * <p>The centers are a non-trainable variable {@code centers} [numClasses, D] (zeros) in the layers'
 * {@link VariableStore}; the optimizer never sees them (the gathered centers pass through StopGradient) and the
 * update op, returned in {@link LossOutput#updates()}, moves them. It is a ScatterSub, so a label occurring k
 * times in a batch moves its center by the sum of the k individual steps, exactly as facenet's
 * {@code tf.scatter_sub}. The update is ordered after the loss term, so a train step that fetches the loss and
 * runs the update in one call sees the pre-update centers.
 *
 * <p>Normalisation: REFERENCE.md (and the paper) use the per-example squared distance halved,
 * mean_i ||x_i - c||^2 / 2; facenet's code uses {@code tf.reduce_mean(tf.square(features - centers_batch))},
 * the mean over all N*D elements, i.e. this value times 2/D. With D = 128/512 facenet's center_loss_factor
 * is therefore effectively D/2 times smaller than the same factor here.
 */
public final class CenterLoss implements Loss {

  /** The variable's name below the layers' path. */
  public static final String CENTERS = "centers";

  private final float factor;
  private final float alfa;

  /**
   * @param factor weight of the center term (facenet's center_loss_factor)
   * @param alfa   center update rate: c <- c - (1 - alfa)(c - x) (facenet's center_loss_alfa, 0.95)
   */
  public CenterLoss(float factor, float alfa) {
    this.factor = factor;
    this.alfa = alfa;
  }

  public CenterLoss(LossOptions options) {
    this(options.centerLossFactor(), options.centerLossAlfa());
  }

  /** The center term and the op that moves the centers. */
  public record Center(Operand<TFloat32> loss, Op update) {}

  @Override
  public LossOutput build(LossInputs in) {
    Ops tf = in.layers().tf();
    Operand<TFloat32> logits = in.layers().dense("Logits", in.prelogits(), in.numClasses(), false, Activation.NONE);
    Operand<TFloat32> ce = SoftmaxLoss.crossEntropy(tf, logits, in.labels(), in.numClasses());
    long d = in.prelogits().shape().size(1);
    if (d <= 0) throw new IllegalArgumentException("prelogits need a static feature dimension: " + in.prelogits().shape());
    String path = in.layers().path().isEmpty() ? CENTERS : in.layers().path() + "/" + CENTERS;
    VariableStore.Entry centers = in.layers().variables().get(path, new long[] {in.numClasses(), d},
        Initializer.zeros(), false);
    Center center = center(tf, in.prelogits(), in.labels(), centers, alfa);
    Operand<TFloat32> total = tf.math.add(ce, tf.math.mul(tf.constant(factor), center.loss()));
    return new LossOutput(total, Map.of("accuracy", SoftmaxLoss.accuracy(tf, logits, in.labels()),
        "center_loss", center.loss(), "cross_entropy", ce), List.of(center.update()));
  }

  /**
   * The center term (1/N) sum_i ||x_i - c_{y_i}||^2 / 2 (no gradient into the centers) and the ScatterSub
   * c_{y_i} -= (1 - alfa)(c_{y_i} - x_i), which runs after the term is computed.
   *
   * @param centers a [numClasses, D] variable, e.g. from {@link VariableStore#get}
   */
  public static Center center(Ops tf, Operand<TFloat32> features, Operand<TInt32> labels, VariableStore.Entry centers,
      float alfa) {
    Operand<TFloat32> batch = tf.stopGradient(tf.gather(centers.read(), labels, tf.constant(0)));
    Operand<TFloat32> diff = tf.math.sub(features, batch);
    Operand<TFloat32> loss = tf.math.mul(tf.math.mean(tf.sum(tf.math.square(diff), tf.constant(1)), tf.constant(0)),
        tf.constant(0.5f));
    // (1 - alfa)(c - x), from the same gathered (pre-update) centers; features get no gradient from here.
    Operand<TFloat32> step = tf.math.mul(tf.constant(1f - alfa), tf.math.sub(batch, tf.stopGradient(features)));
    Op update = tf.withControlDependencies(List.<Op>of(loss)).scatterSub(centers.variable(), labels, step);
    return new Center(loss, update);
  }
}
