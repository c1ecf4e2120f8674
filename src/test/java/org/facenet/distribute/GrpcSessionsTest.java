package org.facenet.distribute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.junit.jupiter.api.Test;

/**
 * The bridge to a remote session. It uses TensorFlow Java 1.1.0's non-public Session(Graph, TF_Session) (and NativeGraphs):
 * if a TensorFlow Java release changes them, this test fails here, loudly, instead of distributed training failing
 * somewhere later.
 */
class GrpcSessionsTest {

  @Test
  void aGraphRunsOnAnInProcessServerThroughTheBridge() throws Exception {
    TfConfig config = new TfConfig(LoopbackCluster.addresses(1), 0);
    WorkerServer server = WorkerServer.start(config, ConfigProto.getDefaultInstance());
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var sum = tf.math.add(tf.constant(new float[] {1f, 2f}), tf.constant(new float[] {10f, 20f}));
      try (Session s = GrpcSessions.open(g, server.target(), server.sessionConfig());
          Result r = s.runner().fetch(sum).run()) {
        TFloat32 t = (TFloat32) r.get(0);
        assertEquals(11f, t.getFloat(0));
        assertEquals(22f, t.getFloat(1));
      }
    }
    // Graph.close() returned: the bridge released the graph reference it took for the native handle.
  }

  @Test
  void aPortInUseIsAClearErrorNamingIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      TfConfig config = new TfConfig(List.of("localhost:" + taken.getLocalPort()), 0);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> WorkerServer.start(config, ConfigProto.getDefaultInstance()));
      assertTrue(e.getMessage().contains("port " + taken.getLocalPort() + " of worker 0"), e.getMessage());
      assertTrue(e.getMessage().contains("in use"), e.getMessage());
    }
  }

  @Test
  void aLeaderIsAwaitedUntilItListensAndGivenUpOnAfterTheTimeout() throws Exception {
    int port;
    try (ServerSocket listening = new ServerSocket(0)) {
      port = listening.getLocalPort();
      assertTrue(WorkerServer.awaitReachable("localhost:" + port, 1f));
    }
    long start = System.nanoTime();
    assertFalse(WorkerServer.awaitReachable("localhost:" + port, 1f), "nothing listens there any more");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds >= 0.9 && seconds < 5, seconds + " s");
  }

  @Test
  void eachWorkerSeesOnlyItsOwnDevicesAndTaskZeroLeadsTheCollectives() {
    TfConfig config = new TfConfig(List.of("a:1", "b:2", "c:3"), 2);
    ConfigProto c = WorkerServer.sessionConfig(config, ConfigProto.newBuilder().setIntraOpParallelismThreads(3).build());
    assertEquals(List.of("/job:worker/task:2"), c.getDeviceFiltersList());
    assertEquals("/job:worker/replica:0/task:0", c.getExperimental().getCollectiveGroupLeader());
    assertEquals(3, c.getIntraOpParallelismThreads());
  }
}
