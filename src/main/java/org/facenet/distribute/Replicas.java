package org.facenet.distribute;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bytedeco.javacpp.PointerScope;
import org.facenet.nn.CrossReplicaSum;
import org.facenet.nn.VariableStore;
import org.facenet.train.Distribution;
import org.facenet.train.GradientTransform;
import org.facenet.train.TrainingConfig;
import org.facenet.train.TrainingGraph;
import org.facenet.train.VariableChecksum;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;

/**
 * {@code --replicas N}: N replicas in one process, one a local device, laid out as TensorFlow's MirroredStrategy
 * lays them out: the training graph builds a tower a device on its share of the batch, replica 0
 * under the plain names (the variables that are checkpointed, exported, averaged and validated), replica r under
 * {@code replica_r/}; every replica's gradients are averaged by {@link AllReduce} over one collective group of the N
 * devices (communication_hint "nccl" on GPUs) and each applies the same update. On a machine whose TensorFlow sees a
 * GPU, the devices are /device:GPU:0..N-1 (refused if fewer are visible); otherwise N CPU devices of one session
 * (ConfigProto device_count CPU: N, sharing the machine's cores; refused above the processor count). Before the first
 * step every replica's variables are set to replica 0's (initialised, restored or fine-tuned alike) and checked equal.
 *
 * <p>With TF_CONFIG ({@link #distributed}), as MultiWorkerMirroredStrategy: each of the W workers trains its N replicas
 * on its own N devices, named with its job and task (/job:worker/replica:0/task:i/device:CPU:k), and all W x N
 * replicas' all-reduces are members of one group of W x N, so the gradient is the mean over the global batch; a
 * {@link MultiWorker} does the rest (the server, the session, the start check across the workers, the faults).
 */
public final class Replicas implements Distribution {

  /**
   * The group key of the replicas' collectives, the N local ones or the W x N of every worker (the workers' start
   * check uses group 1, on one device a worker).
   */
  static final int GROUP_KEY = 2;

  private final List<DeviceSpec> devices;
  /** The workers this process is one of, or null for one process. */
  private final MultiWorker workers;
  private final Collectives group;
  private final long bucketBytes;
  private final boolean syncBatchNorm;
  private final List<SyncBatchNorm> synced = new ArrayList<>();

  Replicas(List<DeviceSpec> devices, float timeoutSeconds, long bucketBytes, boolean syncBatchNorm) {
    this(devices, null, timeoutSeconds, bucketBytes, syncBatchNorm);
  }

  /** The replicas on {@code devices} of this process, one of {@code workers} (null: one process). */
  Replicas(List<DeviceSpec> devices, MultiWorker workers, float timeoutSeconds, long bucketBytes,
      boolean syncBatchNorm) {
    boolean gpus = devices.get(0).deviceType() == DeviceSpec.DeviceType.GPU;
    this.workers = workers;
    this.devices = workers == null ? List.copyOf(devices) : onTask(devices, workers.index());
    this.group = new Collectives(workers() * devices.size(), GROUP_KEY, timeoutSeconds, gpus ? "nccl" : "auto");
    this.bucketBytes = bucketBytes;
    this.syncBatchNorm = syncBatchNorm;
  }

  /**
   * The distribution of {@code --replicas n} in one process: {@link Distribution#LOCAL} for 1; N GPUs if TensorFlow
   * sees any, else N CPU devices (see {@link #choose}).
   */
  public static Distribution local(int n, float timeoutSeconds, long bucketBytes, boolean syncBatchNorm) {
    if (n == 1) return LOCAL;
    return new Replicas(choose(n, visibleDevices("GPU"), Runtime.getRuntime().availableProcessors()), timeoutSeconds,
        bucketBytes, syncBatchNorm);
  }

  /**
   * The distribution of {@code --replicas n} with TF_CONFIG: this worker's {@link MultiWorker} for 1 (one replica a
   * worker, placed by TensorFlow); else its n devices as {@link #local} chooses them, its server started with one CPU
   * device a replica on CPU, and one all-reduce group of every worker's replicas.
   */
  public static Distribution distributed(TfConfig cluster, int n, ConfigProto base, float timeoutSeconds,
      long bucketBytes, boolean syncBatchNorm) {
    if (n == 1) return MultiWorker.start(cluster, base, timeoutSeconds, bucketBytes, syncBatchNorm);
    List<DeviceSpec> devices = choose(n, visibleDevices("GPU"), Runtime.getRuntime().availableProcessors());
    MultiWorker workers = MultiWorker.start(cluster, withDevices(base, devices), timeoutSeconds, bucketBytes,
        syncBatchNorm, n);
    return new Replicas(devices, workers, timeoutSeconds, bucketBytes, syncBatchNorm);
  }

  /** {@code devices} of task {@code task} of the job "worker": /job:worker/replica:0/task:i/device:CPU:k. */
  static List<DeviceSpec> onTask(List<DeviceSpec> devices, int task) {
    return devices.stream().map(d -> DeviceSpec.newBuilder().job("worker").replica(0).task(task)
        .deviceType(d.deviceType()).deviceIndex(d.deviceIndex()).build()).toList();
  }

  /** {@code config} with one CPU device a replica when the replicas are CPU devices (the server's and the session's). */
  static ConfigProto withDevices(ConfigProto config, List<DeviceSpec> devices) {
    if (devices.get(0).deviceType() != DeviceSpec.DeviceType.CPU) return config;
    return config.toBuilder().putDeviceCount("CPU", devices.size()).build();
  }

  /**
   * The devices of {@code n} replicas: /device:GPU:0..n-1 when {@code visibleGpus} > 0 (refused if fewer than n), else
   * /device:CPU:0..n-1 (refused if more than {@code processors}: CPU devices are threads of one machine).
   */
  static List<DeviceSpec> choose(int n, int visibleGpus, int processors) {
    if (n < 1) throw new IllegalArgumentException("--replicas must be at least 1, got " + n);
    if (visibleGpus > 0) {
      if (visibleGpus < n) {
        throw new IllegalArgumentException("--replicas " + n + ": TensorFlow sees " + visibleGpus + " GPU"
            + (visibleGpus == 1 ? "" : "s") + " (CUDA_VISIBLE_DEVICES chooses which); at most " + visibleGpus);
      }
      return devices(DeviceSpec.DeviceType.GPU, n);
    }
    if (n > processors) {
      throw new IllegalArgumentException("--replicas " + n + ": no GPU is visible, and CPU replicas (CPU devices of one "
          + "session) are at most the " + processors + " processors of this machine");
    }
    return devices(DeviceSpec.DeviceType.CPU, n);
  }

  /** {@code count} devices of {@code type} of this process: /device:GPU:0, /device:GPU:1, ... */
  static List<DeviceSpec> devices(DeviceSpec.DeviceType type, int count) {
    List<DeviceSpec> out = new ArrayList<>();
    for (int i = 0; i < count; i++) out.add(DeviceSpec.newBuilder().deviceType(type).deviceIndex(i).build());
    return out;
  }

  /**
   * Refuses, before anything is written, a global batch that does not split evenly among the {@code workers} x
   * {@code replicas} replicas (an identity batch by whole identities, as its images are grouped by identity).
   */
  public static void check(int replicas, int workers, TrainingConfig config) {
    int n = workers * replicas;
    if (n == 1) return;
    String among = replicas == 1 ? n + " workers" : workers == 1 ? n + " replicas"
        : n + " replicas (" + workers + " workers x " + replicas + ")";
    if (org.facenet.loss.Losses.create(config.loss(), config.lossOptions()).needsIdentityBatches()) {
      if (config.peoplePerBatch() % n != 0) {
        throw new IllegalArgumentException("--people-per-batch " + config.peoplePerBatch() + " must divide evenly "
            + "among the " + among + " (each takes whole identities of the global batch)");
      }
    } else if (config.batchSize() % n != 0) {
      throw new IllegalArgumentException("--batch-size " + config.batchSize() + " is the global batch and must divide "
          + "evenly among the " + among);
    }
  }

  /** How many devices of {@code type} ("GPU", "CPU") a TensorFlow session of this process sees. */
  static int visibleDevices(String type) {
    try (PointerScope scope = new PointerScope()) {
      TF_Status status = TF_Status.newStatus();
      TF_Graph graph = TF_Graph.newGraph();
      TF_SessionOptions options = TF_SessionOptions.newSessionOptions();
      TF_Session session = TF_Session.newSession(graph, options, status);
      status.throwExceptionIfNotOK();
      TF_DeviceList list = tensorflow.TF_SessionListDevices(session, status);
      status.throwExceptionIfNotOK();
      int count = 0;
      for (int i = 0; i < tensorflow.TF_DeviceListCount(list); i++) {
        if (type.equals(tensorflow.TF_DeviceListType(list, i, status).getString())) count++;
      }
      tensorflow.TF_DeleteDeviceList(list);
      return count;
    }
  }

  @Override
  public List<DeviceSpec> replicaDevices() {
    return devices;
  }

  @Override
  public int workers() {
    return workers == null ? 1 : workers.workers();
  }

  @Override
  public int index() {
    return workers == null ? 0 : workers.index();
  }

  /** A replica's own all-reduce ops (the same instance keys on every device of the group). */
  @Override
  public GradientTransform gradients(int replica) {
    return new AllReduce(group, bucketBytes, 1);
  }

  @Override
  public GradientTransform gradients() {
    throw new UnsupportedOperationException("--replicas builds one tower a device: gradients(replica)");
  }

  /** With --sync-batch-norm, a replica's batch norms sum their moments over every replica. */
  @Override
  public Optional<CrossReplicaSum> syncBatchNorm(int replica) {
    if (!syncBatchNorm) return Optional.empty();
    SyncBatchNorm sum = new SyncBatchNorm(group);
    synced.add(sum);
    return Optional.of(sum);
  }

  /** On CPU, the session has one CPU device a replica; with TF_CONFIG it is the worker's ({@link MultiWorker#open}). */
  @Override
  public Session open(Graph graph, ConfigProto config) {
    ConfigProto c = withDevices(config, devices);
    return workers == null ? new Session(graph, c) : workers.open(graph, c);
  }

  /**
   * With TF_CONFIG, first the workers' start check (their settings, step and replica 0's variables agree:
   * {@link MultiWorker#checkStart}); then sets every replica's variables to replica 0's (fresh, fine-tuned or restored:
   * checkpoints hold replica 0's only) and checks that they are equal.
   */
  @Override
  public void checkStart(Session session, TrainingGraph graph, TrainingConfig config, long step, PrintStream out) {
    if (workers != null) workers.checkStart(session, graph, config, step, out);
    Ops tf = Ops.create(graph.graph).withSubScope("replica_copy");
    VariableStore first = graph.replicas.get(0);
    List<Op> copies = new ArrayList<>();
    List<List<VariableStore.Entry>> originals = new ArrayList<>();
    for (int r = 1; r < graph.replicas.size(); r++) {
      List<VariableStore.Entry> own = graph.replicas.get(r).entries();
      List<VariableStore.Entry> original = counterparts(first, own, "replica_" + r + "/", r);
      Ops on = tf.withDevice(devices.get(r));
      for (int i = 0; i < own.size(); i++) copies.add(on.assign(own.get(i).variable(), original.get(i).read()));
      originals.add(original);
    }
    session.runner().addTarget(tf.withControlDependencies(copies).noOp()).run();
    for (int r = 1; r < graph.replicas.size(); r++) {
      VariableChecksum expected = VariableChecksum.of(session, originals.get(r - 1), step);
      VariableChecksum sum = VariableChecksum.of(session, graph.replicas.get(r).entries(), step);
      if (sum.sum() != expected.sum() || sum.sumOfSquares() != expected.sumOfSquares()) {
        throw new IllegalStateException("replica " + r + " differs from replica 0 after the copy: " + sum + " against "
            + expected);
      }
    }
    out.printf("%sreplicas: %d on %s, all-reduced%s (%s)%s; variables set to replica 0's%n", worker(), devices.size(),
        devices.stream().map(DeviceSpec::toString).toList(), workers == null ? ""
            : " in one group of " + group.groupSize() + " with the other workers' replicas",
        devices.get(0).deviceType() == DeviceSpec.DeviceType.GPU
            ? "nccl" : "auto", synced.isEmpty() ? "" : ", " + synced.get(0).count() + " batch norms on the moments of "
            + "the whole batch (--sync-batch-norm)");
  }

  /**
   * Replica 0's variable for each of replica {@code r}'s ({@code prefix} + its path). Replica 0 also holds what only it
   * has (the moving averages, which average its weights); a trainable variable of replica 0 that replica r lacks is an
   * error.
   */
  static List<VariableStore.Entry> counterparts(VariableStore first, List<VariableStore.Entry> own, String prefix,
      int r) {
    List<VariableStore.Entry> out = new ArrayList<>();
    for (VariableStore.Entry e : own) {
      VariableStore.Entry original = e.path().startsWith(prefix) ? first.entry(e.path().substring(prefix.length()))
          : null;
      if (original == null) {
        throw new IllegalStateException("replica " + r + "'s " + e.path() + " has no replica 0 variable");
      }
      out.add(original);
    }
    long trainable = own.stream().filter(VariableStore.Entry::trainable).count();
    if (trainable != first.trainable().size()) {
      throw new IllegalStateException("replica " + r + " has " + trainable + " trainable variables, replica 0 "
          + first.trainable().size());
    }
    return out;
  }

  /**
   * Every replica's checksum of its trainable variables (with TF_CONFIG, "worker I replica R checksum ..."): equal
   * lines mean identical replicas.
   */
  @Override
  public void report(Session session, TrainingGraph graph, long step, PrintStream out) {
    for (int r = 0; r < graph.replicas.size(); r++) {
      out.printf("%sreplica %d checksum %s%n", workers == null ? "" : "worker " + index() + " ", r,
          VariableChecksum.of(session, graph.replicas.get(r).trainable(), step));
    }
  }

  @Override
  public RuntimeException explain(RuntimeException e) {
    return workers == null ? e : workers.explain(e);
  }

  /** "worker I of W: " with TF_CONFIG, else nothing. */
  private String worker() {
    return workers == null ? "" : "worker " + index() + " of " + workers() + ": ";
  }
}
