package org.facenet.distribute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The watch a worker keeps on worker 0 (TensorFlow's step-id requests to a gone leader retry without a bound): it says
 * nothing while worker 0's port answers, reports once within about the timeout after it stops answering, and nothing
 * after it is closed.
 */
class LeaderWatchTest {

  @Test
  void aLeaderThatStopsAnsweringIsReportedOnceWithinTheTimeout() throws Exception {
    ServerSocket leader = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    String address = "localhost:" + leader.getLocalPort();
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch lost = new CountDownLatch(1);
    try (LeaderWatch watch = LeaderWatch.start(address, 2f, () -> {
      calls.incrementAndGet();
      lost.countDown();
    })) {
      assertFalse(lost.await(3500, TimeUnit.MILLISECONDS), "reported while the leader answered");
      leader.close();
      long closed = System.nanoTime();
      assertTrue(lost.await(10, TimeUnit.SECONDS), "the lost leader was never reported");
      double seconds = (System.nanoTime() - closed) / 1e9;
      assertTrue(seconds >= 1.0 && seconds < 6.0, "reported after " + seconds + " s for a 2 s timeout");
      Thread.sleep(1500);
      assertEquals(1, calls.get());
      assertFalse(watch.running(), "the watch ends once it has reported");
    } finally {
      leader.close();
    }
  }

  @Test
  void aClosedWatchReportsNothing() throws Exception {
    ServerSocket free = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    int port = free.getLocalPort();
    free.close(); // nothing listens there
    AtomicInteger calls = new AtomicInteger();
    LeaderWatch watch = LeaderWatch.start("localhost:" + port, 2f, calls::incrementAndGet);
    Thread.sleep(500);
    watch.close();
    Thread.sleep(3000);
    assertEquals(0, calls.get());
    assertFalse(watch.running());
  }
}
