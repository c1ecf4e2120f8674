package org.facenet.distribute;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.proto.ConfigProto;

/** Free loopback ports for test clusters, and a started cluster of in-process servers on them. */
final class LoopbackCluster {

  private LoopbackCluster() {}

  static List<String> addresses(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    List<String> out = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        out.add("localhost:" + s.getLocalPort());
      }
    } finally {
      for (ServerSocket s : held) s.close();
    }
    return out;
  }

  /** {@code n} in-process servers of one loopback cluster, worker i at index i, default session settings. */
  static List<WorkerServer> start(int n) throws IOException {
    List<String> addresses = addresses(n);
    List<WorkerServer> servers = new ArrayList<>();
    for (int i = 0; i < n; i++) servers.add(WorkerServer.start(new TfConfig(addresses, i), ConfigProto.getDefaultInstance()));
    return servers;
  }
}
