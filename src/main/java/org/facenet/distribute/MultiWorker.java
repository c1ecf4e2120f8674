package org.facenet.distribute;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import org.facenet.nn.CrossReplicaSum;
import org.facenet.train.Distribution;
import org.facenet.train.GradientTransform;
import org.facenet.train.ReplicaFailureException;
import org.facenet.train.TrainingConfig;
import org.facenet.train.TrainingGraph;
import org.facenet.train.VariableChecksum;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;

/**
 * Synchronous data parallelism over TensorFlow's distributed runtime: every worker runs the same graph on its own
 * share of the global batch in a session on its own in-process server; the gradients are averaged across workers by
 * {@link AllReduce} before each worker applies them, so replicas that start equal stay equal. Batch-norm statistics
 * stay per worker (as PyTorch's DDP does) unless {@code --sync-batch-norm} ({@link SyncBatchNorm}). Worker 0 is the
 * chief.
 */
public final class MultiWorker implements Distribution {

  /** Default wait of a collective for its peers before the step fails. */
  public static final float DEFAULT_TIMEOUT_SECONDS = 60f;
  /** Default all-reduce bucket: 16 MiB of float32 gradients. */
  public static final long DEFAULT_BUCKET_BYTES = 16L << 20;

  private static final int GROUP_KEY = 1;
  private static final java.util.regex.Pattern COLLECTIVE_FAILURE = java.util.regex.Pattern.compile(
      "[Cc]ollective|failed to connect|Socket closed|Connection reset|UNAVAILABLE|DEADLINE_EXCEEDED");
  private static final int CHECK_INSTANCE_KEY = 1 << 20;
  /** Mixed into the settings hash with --sync-batch-norm, which is not a TrainingConfig setting. */
  private static final long SYNC_BATCH_NORM_HASH = 0x5ca1ab1e0ddba11L;
  /** Times --replicas N > 1 (not a TrainingConfig setting either), mixed into the settings hash. */
  private static final long REPLICAS_HASH = 0x9e3779b97f4a7c15L;

  private final WorkerServer server;
  private final Collectives collectives;
  private final AllReduce allReduce;
  private final float timeoutSeconds;
  private LeaderWatch leaderWatch;
  private final boolean syncBatchNorm;
  private final int replicas;
  private SyncBatchNorm synced;

  private MultiWorker(WorkerServer server, float timeoutSeconds, long bucketBytes, boolean syncBatchNorm,
      int replicas) {
    this.server = server;
    this.syncBatchNorm = syncBatchNorm;
    this.replicas = replicas;
    this.collectives = new Collectives(server.config().workers().size(), GROUP_KEY, timeoutSeconds);
    this.allReduce = new AllReduce(collectives, bucketBytes, 1);
    this.timeoutSeconds = timeoutSeconds;
  }

  /** Starts this worker's server for {@code config}; {@code base} is the session configuration of a local run. */
  public static MultiWorker start(TfConfig config, ConfigProto base, float timeoutSeconds, long bucketBytes) {
    return start(config, base, timeoutSeconds, bucketBytes, false);
  }

  /** As above; with {@code syncBatchNorm}, the training tower's batch norms use the global batch's moments. */
  public static MultiWorker start(TfConfig config, ConfigProto base, float timeoutSeconds, long bucketBytes,
      boolean syncBatchNorm) {
    return start(config, base, timeoutSeconds, bucketBytes, syncBatchNorm, 1);
  }

  /**
   * As above, for a worker that trains {@code replicas} local replicas ({@link Replicas#distributed}, whose all-reduces
   * it leaves to them): the count is part of the start check's settings hash, as every worker must train as many.
   */
  static MultiWorker start(TfConfig config, ConfigProto base, float timeoutSeconds, long bucketBytes,
      boolean syncBatchNorm, int replicas) {
    return new MultiWorker(WorkerServer.start(config, base), timeoutSeconds, bucketBytes, syncBatchNorm, replicas);
  }

  @Override
  public int workers() {
    return server.config().workers().size();
  }

  @Override
  public int index() {
    return server.config().index();
  }

  @Override
  public GradientTransform gradients() {
    return allReduce;
  }

  /** Synchronised batch norm with more than one worker (with one, plain batch norm is the same). */
  @Override
  public Optional<CrossReplicaSum> syncBatchNorm() {
    if (!syncBatchNorm || workers() == 1) return Optional.empty();
    synced = new SyncBatchNorm(collectives);
    return Optional.of(synced);
  }

  /** How many gradients each all-reduce of a step carries (once the training graph is built). */
  public List<Integer> bucketSizes() {
    return allReduce.bucketSizes();
  }

  /** The local run's configuration is replaced by this worker's (device filter, collective leader). */
  @Override
  public Session open(Graph graph, ConfigProto config) {
    requireLeader();
    watchLeader();
    ConfigProto merged = WorkerServer.sessionConfig(server.config(), config);
    return GrpcSessions.open(graph, server.target(), merged);
  }

  /**
   * Every worker must hold the same settings, step and variables: their hash, the step and the variables' checksum
   * are reduced with Min and Max across the group, and any difference stops every worker with a message.
   */
  @Override
  public void checkStart(Session session, TrainingGraph graph, TrainingConfig config, long step, PrintStream out) {
    VariableChecksum sum = VariableChecksum.of(session, graph.variables.trainable(), step);
    Ops tf = Ops.create(graph.graph).withSubScope("replica_check");
    Placeholder<TInt64> ints = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
    Placeholder<TFloat64> doubles = tf.placeholder(TFloat64.class, Placeholder.shape(Shape.of(2)));
    Output<TInt64> intMin = collectives.reduce(tf, ints, Collectives.Merge.MIN, CHECK_INSTANCE_KEY, "int_min");
    Output<TInt64> intMax = collectives.reduce(tf, ints, Collectives.Merge.MAX, CHECK_INSTANCE_KEY + 1, "int_max");
    Output<TFloat64> dMin = collectives.reduce(tf, doubles, Collectives.Merge.MIN, CHECK_INSTANCE_KEY + 2, "double_min");
    Output<TFloat64> dMax = collectives.reduce(tf, doubles, Collectives.Merge.MAX, CHECK_INSTANCE_KEY + 3, "double_max");
    requireLeader();
    long hash = settingsHash(config) ^ (syncBatchNorm ? SYNC_BATCH_NORM_HASH : 0)
        ^ (replicas == 1 ? 0 : REPLICAS_HASH * replicas);
    try (TInt64 i = TInt64.tensorOf(Shape.of(2), DataBuffers.of(hash, step));
        TFloat64 d = TFloat64.tensorOf(Shape.of(2), DataBuffers.of(sum.sum(), sum.sumOfSquares()));
        Result r = session.runner().feed(ints, i).feed(doubles, d).fetch(intMin).fetch(intMax).fetch(dMin)
            .fetch(dMax).run()) {
      TInt64 lo = (TInt64) r.get(0);
      TInt64 hi = (TInt64) r.get(1);
      TFloat64 dlo = (TFloat64) r.get(2);
      TFloat64 dhi = (TFloat64) r.get(3);
      if (lo.getLong(0) != hi.getLong(0)) {
        throw new IllegalArgumentException("worker " + index() + ": the workers were started with different settings "
            + "(every worker must run the same command with the same flags; only TF_CONFIG's task.index differs)");
      }
      if (lo.getLong(1) != hi.getLong(1)) {
        throw new IllegalArgumentException("worker " + index() + ": the workers start at different steps ("
            + lo.getLong(1) + ".." + hi.getLong(1) + "); resume every worker from the chief's run folder");
      }
      if (dlo.getDouble(0) != dhi.getDouble(0) || dlo.getDouble(1) != dhi.getDouble(1)) {
        throw new IllegalArgumentException("worker " + index() + ": the replicas' variables differ at the start (" + sum
            + " here)");
      }
    }
    out.printf("worker %d of %d: settings, step %d and variables agree across the workers%n", index(), workers(), step);
    if (synced != null) {
      out.printf("worker %d of %d: %d batch norms on the moments of the global batch (--sync-batch-norm)%n", index(),
          workers(), synced.count());
    }
  }

  @Override
  public void report(Session session, TrainingGraph graph, long step, PrintStream out) {
    out.printf("worker %d checksum %s%n", index(), VariableChecksum.of(session, graph.variables.trainable(), step));
  }

  /**
   * Worker 0 leads the collective groups: a worker that cannot reach it within the collective timeout (not started,
   * or already stopped) stops with a {@link ReplicaFailureException}, where TensorFlow would retry forever.
   */
  private void requireLeader() {
    if (index() == 0) return;
    String leader = server.config().workers().get(0);
    try {
      if (WorkerServer.awaitReachable(leader, timeoutSeconds)) return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new ReplicaFailureException("worker " + index() + " of " + workers() + " cannot reach worker 0 (the chief, "
        + "which leads the all-reduces) at " + leader + " within --collective-timeout " + timeoutSeconds + " s: it is "
        + "not started or has already stopped; stopping. Start every worker again (with --resume RUN, the chief's run "
        + "folder, to continue from its newest checkpoint).", null);
  }

  /**
   * From here to the end of the process a worker other than the chief ends with exit 4 and a message once worker 0
   * has not answered for the collective timeout (TensorFlow would retry its step-id requests to it forever).
   */
  private void watchLeader() {
    if (index() == 0 || leaderWatch != null) return;
    String leader = server.config().workers().get(0);
    leaderWatch = LeaderWatch.start(leader, timeoutSeconds, () -> {
      System.out.flush();
      System.err.println("error: worker " + index() + " of " + workers() + ": worker 0 (the chief, which leads the "
          + "all-reduces) at " + leader + " has not answered for --collective-timeout " + timeoutSeconds + " s: it has "
          + "stopped; stopping. Start every worker again (with --resume RUN, the chief's run folder, to continue from "
          + "its newest checkpoint).");
      System.err.flush();
      Runtime.getRuntime().halt(ReplicaFailureException.EXIT_CODE);
    });
  }

  /** A collective that timed out or was aborted becomes a {@link ReplicaFailureException} saying so. */
  @Override
  public RuntimeException explain(RuntimeException e) {
    String m = String.valueOf(e.getMessage());
    // TensorFlow Java 1.1.0 reports these as plain TensorFlowExceptions: the message tells them apart.
    if (COLLECTIVE_FAILURE.matcher(m).find()) {
      return new ReplicaFailureException("worker " + index() + " of " + workers() + " lost another worker at an "
          + "all-reduce: a worker died, did not answer within --collective-timeout " + timeoutSeconds + " s, or cannot be "
          + "reached at its TF_CONFIG address (" + String.join(", ", server.config().workers()) + "); stopping. Restart "
          + "every worker with --resume RUN (the chief's run folder) to continue from its newest checkpoint. "
          + "TensorFlow said: " + m.lines().filter(l -> !l.isBlank() && !l.startsWith("From ")).findFirst().orElse(m), e);
    }
    return e;
  }

  /** A hash of every setting of the run: the same command on every worker gives the same hash. */
  static long settingsHash(TrainingConfig config) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(config.toString().getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(d).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
