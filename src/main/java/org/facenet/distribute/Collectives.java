package org.facenet.distribute;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * TensorFlow's CollectiveReduceV2 across the workers of a group. TensorFlow Java's Ops API maps its collective class to
 * the newest version (CollectiveReduceV3, which needs a communicator resource); V2, which the RPC collective executor
 * of the distributed runtime runs, is registered natively and built here by name. Every worker must build the same
 * collectives with the same keys: the instance key names one collective within the group, the same on every worker.
 */
final class Collectives {

  /** Merge operations of CollectiveReduceV2. */
  enum Merge {
    ADD("Add", "Div"),
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

  /**
   * @param timeoutSeconds how long a collective waits for its peers before it fails (DeadlineExceeded): a worker that
   *                       died or was never started stops the others within this time instead of hanging them
   */
  Collectives(int groupSize, int groupKey, float timeoutSeconds) {
    this.groupSize = groupSize;
    this.groupKey = groupKey;
    this.timeoutSeconds = timeoutSeconds;
  }

  /**
   * {@code x} reduced over the group: {@link Merge#ADD} is the mean (sum then divided by the group size), MIN and MAX
   * the element-wise extremes.
   */
  @SuppressWarnings("unchecked")
  <T extends TType> Output<T> reduce(Ops tf, Operand<T> x, Merge merge, int instanceKey, String name) {
    Graph g = (Graph) tf.scope().env();
    return (Output<T>) g.opBuilder("CollectiveReduceV2", tf.scope().makeOpName(name), tf.scope())
        .addInput(x.asOutput())
        .addInput(tf.constant(groupSize).asOutput())
        .addInput(tf.constant(groupKey).asOutput())
        .addInput(tf.constant(instanceKey).asOutput())
        .addInputList(new Output<?>[0])
        .setAttr("merge_op", merge.mergeOp)
        .setAttr("final_op", merge.finalOp)
        .setAttr("communication_hint", "auto")
        .setAttr("timeout_seconds", timeoutSeconds)
        .build().output(0);
  }
}
