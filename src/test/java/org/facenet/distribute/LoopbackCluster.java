package org.facenet.distribute;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free loopback ports for test clusters. */
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
}
