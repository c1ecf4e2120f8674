package org.facenet.train;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import org.facenet.nn.CrossReplicaSum;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * How a run is spread over processes. {@link #LOCAL} is one process; {@code org.facenet.distribute.MultiWorker} is
 * synchronous data parallelism over TensorFlow's distributed runtime. The trainer asks it four things and nothing
 * else: how to open the session, what to do to the gradients, whether this process is the chief (the one that writes
 * checkpoints, events, evaluations and the export), and to check and report that the replicas agree.
 */
public interface Distribution {

  /** Processes taking part; 1 for a local run. */
  int workers();

  /** This process's index, 0 being the chief. */
  int index();

  default boolean isChief() {
    return index() == 0;
  }

  /** Applied to the gradients before the optimizer (averaging across workers). */
  GradientTransform gradients();

  /**
   * With {@code --sync-batch-norm} across several workers, a new cross-replica sum for one training graph's batch
   * norms (their moments over the global batch); empty for per-worker batch-norm statistics.
   */
  default Optional<CrossReplicaSum> syncBatchNorm() {
    return Optional.empty();
  }

  /**
   * The local devices this process trains one replica each on ({@code --replicas N}, {@code
   * org.facenet.distribute.Replicas}): the training graph builds a tower a device on its share of the batch; empty
   * (the default) for one tower placed by TensorFlow.
   */
  default List<DeviceSpec> replicaDevices() {
    return List.of();
  }

  /** What to do to the gradients of replica {@code r} of {@link #replicaDevices()} (its own all-reduce ops). */
  default GradientTransform gradients(int replica) {
    return gradients();
  }

  /** The batch norms' cross-replica sum of replica {@code r} of {@link #replicaDevices()}, as {@link #syncBatchNorm()}. */
  default Optional<CrossReplicaSum> syncBatchNorm(int replica) {
    return syncBatchNorm();
  }

  /** A session on {@code graph} with {@code config}. */
  Session open(Graph graph, ConfigProto config);

  /**
   * Called once the variables are initialised or restored, before the first step: a distributed run checks here that
   * every worker was started with the same settings and holds the same variables, and fails otherwise.
   */
  void checkStart(Session session, TrainingGraph graph, TrainingConfig config, long step, PrintStream out);

  /** Called at each checkpoint step and at the end (on every worker): a distributed run prints its variables' checksum. */
  void report(Session session, TrainingGraph graph, long step, PrintStream out);

  /**
   * What a TensorFlow error during training means here: a distributed run turns a collective that timed out or was
   * aborted into a {@link ReplicaFailureException} saying which worker stopped waiting; a local run keeps it as is.
   */
  default RuntimeException explain(RuntimeException e) {
    return e;
  }

  /** One process, the chief, sessions as {@link org.facenet.runtime.SessionOptions} opens them. */
  Distribution LOCAL = new Distribution() {
    @Override
    public int workers() {
      return 1;
    }

    @Override
    public int index() {
      return 0;
    }

    @Override
    public GradientTransform gradients() {
      return GradientTransform.IDENTITY;
    }

    @Override
    public Session open(Graph graph, ConfigProto config) {
      return new Session(graph, config);
    }

    @Override
    public void checkStart(Session session, TrainingGraph graph, TrainingConfig config, long step, PrintStream out) {}

    @Override
    public void report(Session session, TrainingGraph graph, long step, PrintStream out) {}
  };
}
