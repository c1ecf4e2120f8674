package org.facenet.distribute;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.facenet.nn.CrossReplicaSum;
import org.facenet.nn.Layers;
import org.facenet.nn.VariableStore;
import org.facenet.train.Optimizer;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Several replicas in one process, one a local device, as TensorFlow's MirroredStrategy lays them out: each replica
 * has its own copy of the variables on its device (replica 0 under their plain names, replica r under
 * {@code replica_r/}), its own tower on its slice of the batch (the inputs split along dimension 0), and its own
 * optimizer update; the gradients are averaged by {@link AllReduce} over one collective group of every device of
 * every process (devices x workers), with communication_hint "nccl" on GPUs, so replicas that start equal stay equal.
 * With synchronised batch norm, the batch norms' moments are summed over the same group. The copies start equal
 * because every replica's {@link VariableStore} has the same seed and creates its variables in the same order.
 *
 * <p>This is the graph; the trainer does not build it yet (see docs/distributed.md). Gradient ops come without a
 * device: {@link #placed} puts them on their replica's.
 */
public final class LocalReplicas {

  /** The group key of the replicas' collectives (the workers' start check uses group 1, on one device a worker). */
  static final int GROUP_KEY = 2;

  /** One replica's loss from its {@link Layers} (a training tower on its device) and its slice of each input. */
  @FunctionalInterface
  public interface Tower {
    Operand<TFloat32> loss(Layers layers, List<Operand<?>> inputs);
  }

  /**
   * @param variables  this replica's variables (their paths start with {@code replica_r/} for r > 0)
   * @param trainable  its trainable variables, in the order of {@code gradients}
   * @param gradients  the gradients of its loss, averaged over every replica of the group
   */
  public record Replica(int index, DeviceSpec device, VariableStore variables, Layers layers, Operand<TFloat32> loss,
      List<VariableStore.Entry> trainable, List<Output<?>> gradients) {}

  /** How the replicas are built: the batch-norm settings, whether batch norm is synchronised, the all-reduces. */
  public record Settings(long seed, float weightDecay, Layers.BatchNormConfig batchNorm, boolean syncBatchNorm,
      long bucketBytes, float timeoutSeconds) {}

  private final List<Replica> replicas;
  private final Op update;

  private LocalReplicas(List<Replica> replicas, Op update) {
    this.replicas = List.copyOf(replicas);
    this.update = update;
  }

  /** {@code count} devices of {@code type} of this process: /device:GPU:0, /device:GPU:1, ... */
  public static List<DeviceSpec> devices(DeviceSpec.DeviceType type, int count) {
    List<DeviceSpec> out = new ArrayList<>();
    for (int i = 0; i < count; i++) out.add(DeviceSpec.newBuilder().deviceType(type).deviceIndex(i).build());
    return out;
  }

  /**
   * The replicas on {@code devices} of this process, in a group with the same devices of each of {@code workers}
   * processes (1 without TF_CONFIG), training {@code tower} on {@code inputs} (the process's batch, which must split
   * evenly) with {@code optimizer} at {@code lr}; {@link #update()} applies one step on every replica.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static LocalReplicas build(Ops tf, List<DeviceSpec> devices, int workers, Settings settings,
      List<Operand<?>> inputs, Tower tower, Optimizer optimizer, Operand<TFloat32> lr, Operand<TInt64> step) {
    int n = devices.size();
    boolean gpus = devices.stream().allMatch(d -> d.deviceType() == DeviceSpec.DeviceType.GPU);
    Collectives group = new Collectives(n * workers, GROUP_KEY, settings.timeoutSeconds(), gpus ? "nccl" : "auto");
    List<List<Output<?>>> slices = new ArrayList<>();
    for (Operand<?> input : inputs) slices.add(tf.withSubScope("split").split(tf.constant(0), (Operand) input, (long) n).output());
    List<Replica> replicas = new ArrayList<>();
    List<Op> updates = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      Ops on = tf.withDevice(devices.get(r)).withSubScope("replica_" + r);
      VariableStore store = new VariableStore(on, settings.seed());
      CrossReplicaSum sum = settings.syncBatchNorm() && n * workers > 1 ? new SyncBatchNorm(group) : null;
      Layers layers = sum != null ? Layers.syncedTower(store, settings.weightDecay(), settings.batchNorm(), sum)
          : Layers.tower(store, true, settings.weightDecay(), settings.batchNorm());
      if (r > 0) layers = layers.in("replica_" + r);
      List<Operand<?>> mine = new ArrayList<>();
      for (List<Output<?>> s : slices) mine.add(s.get(r));
      Operand<TFloat32> loss = tower.loss(layers, mine);
      List<Operand<TFloat32>> reg = layers.regularizationLosses();
      Operand<TFloat32> total = reg.isEmpty() ? loss : on.math.add(loss, on.math.addN(reg));
      List<VariableStore.Entry> trainable = store.trainable();
      var grads = on.gradients(total, trainable.stream().<Operand<?>>map(VariableStore.Entry::read).toList());
      List<Output<?>> dys = new ArrayList<>();
      for (int i = 0; i < trainable.size(); i++) dys.add(grads.dy(i));
      dys = new AllReduce(group, settings.bucketBytes(), 1).apply(on, dys);
      updates.addAll(optimizer.apply(on, store, trainable, dys, lr, step));
      updates.addAll(layers.updateOps());
      replicas.add(new Replica(r, devices.get(r), store, layers, loss, trainable, dys));
    }
    return new LocalReplicas(replicas, tf.withControlDependencies(updates).noOp());
  }

  public List<Replica> replicas() {
    return replicas;
  }

  /**
   * {@code graph} with every node of replica r that has no device placed on replica r's device. TensorFlow Java's
   * {@code Graph.addGradients} (the C API's TF_AddGradientsWithPrefix) gives the gradient ops no device, so TensorFlow's
   * placer would put every replica's backward pass on the default device (the first GPU); a node's replica is its name's
   * first scope ({@code replica_r/...}: the towers, their gradients, all-reduces and updates). Import the result into a
   * new {@link org.tensorflow.Graph} and run it by operation names.
   */
  public GraphDef placed(GraphDef graph) {
    Map<String, String> devices = new HashMap<>();
    for (Replica r : replicas) devices.put("replica_" + r.index(), r.device().toString());
    GraphDef.Builder out = graph.toBuilder();
    for (NodeDef.Builder node : out.getNodeBuilderList()) {
      int slash = node.getName().indexOf('/');
      String device = slash < 0 ? null : devices.get(node.getName().substring(0, slash));
      if (device != null && node.getDevice().isEmpty()) node.setDevice(device);
    }
    return out.build();
  }

  /** One step on every replica: the optimizer updates and the batch norms' moving statistics. */
  public Op update() {
    return update;
  }
}
