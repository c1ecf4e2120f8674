package org.facenet.distribute;

import org.facenet.nn.CrossReplicaSum;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The cross-replica sum of synchronised batch norm ({@code --sync-batch-norm}): each batch norm of the training tower
 * sums its [2C + 1] moments over the group with one CollectiveReduceV2 (merge Add, final Id), whose gradient
 * {@link Collectives#registerGradient()} supplies (the same sum of the upstream gradients). One instance is used for
 * one graph: the k-th batch norm built gets instance key {@link #FIRST_INSTANCE_KEY} + k, the same on every replica,
 * since every replica builds the same tower.
 */
public final class SyncBatchNorm implements CrossReplicaSum {

  /** Instance keys of the batch norms' sums: above the gradient buckets', below the start check's. */
  static final int FIRST_INSTANCE_KEY = 1 << 16;

  private final Collectives collectives;
  private int next;

  SyncBatchNorm(Collectives collectives) {
    Collectives.registerGradient();
    this.collectives = collectives;
  }

  @Override
  public Operand<TFloat32> sum(Ops tf, Operand<TFloat32> x) {
    if (next >= (1 << 20) - FIRST_INSTANCE_KEY) throw new IllegalStateException("too many synchronised batch norms");
    int key = FIRST_INSTANCE_KEY + next++;
    return collectives.reduce(tf, x, Collectives.Merge.SUM, key, "sync_batch_norm");
  }

  /** How many batch norms this instance has synchronised. */
  public int count() {
    return next;
  }
}
