package org.facenet.distribute;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.tensorflow.Server;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;

/**
 * This process's in-process TensorFlow server (gRPC) for its task of the {@link TfConfig} cluster, and the session
 * configuration that goes with it: each worker sees only its own devices (device filters, so a session never waits
 * for another worker's), and task 0 leads the collective groups.
 */
public final class WorkerServer {

  private final TfConfig config;
  private final ConfigProto sessionConfig;
  private final Server server;

  private WorkerServer(TfConfig config, ConfigProto sessionConfig, Server server) {
    this.config = config;
    this.sessionConfig = sessionConfig;
    this.server = server;
  }

  /**
   * Starts the server of {@code config}'s task, with {@code base} (threads, precision, ...) extended for the cluster.
   * A port already in use is an IllegalArgumentException naming it, checked before TensorFlow binds it.
   */
  public static WorkerServer start(TfConfig config, ConfigProto base) {
    requirePortFree(config);
    ConfigProto session = sessionConfig(config, base);
    JobDef.Builder job = JobDef.newBuilder().setName("worker");
    for (int i = 0; i < config.workers().size(); i++) job.putTasks(i, config.workers().get(i));
    ServerDef def = ServerDef.newBuilder().setCluster(ClusterDef.newBuilder().addJob(job)).setJobName("worker")
        .setTaskIndex(config.index()).setProtocol("grpc").setDefaultSessionConfig(session).build();
    Server server = new Server(def);
    server.start();
    return new WorkerServer(config, session, server);
  }

  /** {@code base} with this task's device filter and task 0 as the collective group leader. */
  static ConfigProto sessionConfig(TfConfig config, ConfigProto base) {
    ConfigProto.Builder b = base.toBuilder().clearDeviceFilters().addDeviceFilters("/job:worker/task:" + config.index());
    b.getExperimentalBuilder().setCollectiveGroupLeader("/job:worker/replica:0/task:0");
    return b.build();
  }

  private static void requirePortFree(TfConfig config) {
    int port = TfConfig.port(config.address());
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(port));
    } catch (IOException e) {
      throw new IllegalArgumentException("port " + port + " of worker " + config.index() + " (" + config.address()
          + " in " + TfConfig.VARIABLE + ") is in use: " + e.getMessage());
    }
  }

  /**
   * Waits until {@code address} (host:port) accepts a TCP connection, trying every 200 ms for at most
   * {@code seconds}; false if it never did. TensorFlow's master session retries the collective group leader without a
   * bound when a step needs a step-id sequence and the leader is gone, so a worker checks that the leader is there
   * before it starts a step with collectives.
   */
  static boolean awaitReachable(String address, float seconds) throws InterruptedException {
    int colon = address.lastIndexOf(':');
    InetSocketAddress target = new InetSocketAddress(address.substring(0, colon), TfConfig.port(address));
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (true) {
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(target, 1000);
        return true;
      } catch (IOException e) {
        if (System.nanoTime() >= deadline) return false;
        Thread.sleep(200);
      }
    }
  }

  /** The target a session of this process connects to: this task's own server. */
  public String target() {
    return "grpc://" + config.address();
  }

  public ConfigProto sessionConfig() {
    return sessionConfig;
  }

  public TfConfig config() {
    return config;
  }

  /**
   * The server runs until the process ends: TensorFlow 2.18's gRPC server has no clean shutdown ({@code Server.stop}
   * answers "Clean shutdown is not currently implemented"), so there is no close here.
   */
  Server server() {
    return server;
  }
}
