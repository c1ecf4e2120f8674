package org.facenet.distribute;

import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * TensorFlow's CollectiveReduceV2 across the workers of a group. TensorFlow Java's Ops API maps its collective class to
 * the newest version (CollectiveReduceV3, which needs a communicator resource); V2, which the RPC collective executor
 * of the distributed runtime runs, is registered natively and built here by name. Every worker must build the same
 * collectives with the same keys: the instance key names one collective within the group, the same on every worker.
 *
 * <p>CollectiveReduceV2 has no C++ gradient, so {@code Graph.addGradients} cannot differentiate through it by itself;
 * {@link #registerGradient()} registers one (process-wide, through TensorFlow Java's custom gradients): the gradient
 * of a sum (or mean) over the group is the sum (or mean) over the group of the upstream gradients, computed by a
 * second all-reduce whose instance key is the forward one plus {@link #GRADIENT_KEY_OFFSET}, so it agrees on every
 * worker without any bookkeeping.
 */
final class Collectives {

  /** Added to a collective's instance key for the all-reduce of its gradient. */
  static final int GRADIENT_KEY_OFFSET = 1 << 24;

  private static boolean gradientRegistered;

  /** Merge operations of CollectiveReduceV2. */
  enum Merge {
    /** The mean over the group. */
    ADD("Add", "Div"),
    /** The sum over the group. */
    SUM("Add", "Id"),
    MIN("Min", "Id"),
    MAX("Max", "Id");

    final String mergeOp;
    final String finalOp;

    Merge(String mergeOp, String finalOp) {
      this.mergeOp = mergeOp;
      this.finalOp = finalOp;
    }
  }

  private final int groupSize;
  private final int groupKey;
  private final float timeoutSeconds;
  private final String hint;

  /**
   * @param timeoutSeconds how long a collective waits for its peers before it fails (DeadlineExceeded): a worker that
   *                       died or was never started stops the others within this time instead of hanging them
   */
  Collectives(int groupSize, int groupKey, float timeoutSeconds) {
    this(groupSize, groupKey, timeoutSeconds, "auto");
  }

  /**
   * @param hint CollectiveReduceV2's communication_hint: "auto" (TensorFlow chooses: ring over RPC between workers,
   *             local copies within one), or "nccl" for a group of GPUs (needs a GPU build of TensorFlow with NCCL)
   */
  Collectives(int groupSize, int groupKey, float timeoutSeconds, String hint) {
    this.groupSize = groupSize;
    this.groupKey = groupKey;
    this.timeoutSeconds = timeoutSeconds;
    this.hint = hint;
  }

  int groupSize() {
    return groupSize;
  }

  /**
   * {@code x} reduced over the group: {@link Merge#ADD} is the mean (sum then divided by the group size), SUM the
   * sum, MIN and MAX the element-wise extremes.
   */
  <T extends TType> Output<T> reduce(Ops tf, Operand<T> x, Merge merge, int instanceKey, String name) {
    return build(tf, name, x.asOutput(), tf.constant(groupSize), tf.constant(groupKey), tf.constant(instanceKey),
        merge.mergeOp, merge.finalOp, hint, timeoutSeconds, null);
  }

  @SuppressWarnings("unchecked")
  private static <T extends TType> Output<T> build(Ops tf, String name, Output<?> x, Operand<?> groupSize,
      Operand<?> groupKey, Operand<?> instanceKey, String mergeOp, String finalOp, String hint, float timeout, String device) {
    Graph g = (Graph) tf.scope().env();
    var b = g.opBuilder("CollectiveReduceV2", tf.scope().makeOpName(name), tf.scope());
    if (device != null && !device.isEmpty()) b.setDevice(device);
    return (Output<T>) b
        .addInput(x)
        .addInput(groupSize.asOutput())
        .addInput(groupKey.asOutput())
        .addInput(instanceKey.asOutput())
        .addInputList(new Output<?>[0])
        .setAttr("merge_op", mergeOp)
        .setAttr("final_op", finalOp)
        .setAttr("communication_hint", hint)
        .setAttr("timeout_seconds", timeout)
        .build().output(0);
  }

  /**
   * Registers the gradient of CollectiveReduceV2 (once a process; before any {@code addGradients} that needs it):
   * for merge Add it is the same reduction (sum or mean) of the upstream gradient over the same group, with the
   * forward instance key plus {@link #GRADIENT_KEY_OFFSET}, on the forward op's device; Min and Max are refused
   * (nothing here differentiates them).
   */
  static synchronized void registerGradient() {
    if (gradientRegistered) return;
    TensorFlow.registerCustomGradient("CollectiveReduceV2", Collectives::gradient);
    gradientRegistered = true;
  }

  @SuppressWarnings("unchecked")
  private static List<Operand<?>> gradient(Ops tf, GraphOperation op, List<Output<?>> upstream) {
    var attrs = op.attributes();
    String mergeOp = attrs.getAttrString("merge_op");
    if (!mergeOp.equals("Add")) {
      throw new IllegalArgumentException("no gradient for a " + mergeOp + " all-reduce (" + op.name() + ")");
    }
    Operand<TInt32> key = tf.math.add((Output<TInt32>) op.input(3), tf.constant(GRADIENT_KEY_OFFSET));
    Output<?> dx = build(tf, "grad", upstream.get(0), op.input(1), op.input(2), key, mergeOp,
        attrs.getAttrString("final_op"), attrs.getAttrString("communication_hint"), attrs.getAttrFloat("timeout_seconds"),
        op.device());
    return List.of(dx, tf.zerosLike(op.input(1)), tf.zerosLike(op.input(2)), tf.zerosLike(op.input(3)));
  }
}
