package org.facenet.distribute;

/**
 * Worker 0 watched from another worker for as long as the process runs. A worker's session asks worker 0 (the leader
 * of the collective groups) for step ids, and TensorFlow retries that without a bound when worker 0 is gone
 * ({@code RefreshStepIdSequence ... UNAVAILABLE ... Retrying}); the collective timeout does not cover it. So a daemon
 * thread connects to worker 0's address every second, and once it has not answered for {@code timeoutSeconds} in a
 * row, {@code lost} runs (the worker's: print why and end the process). A collective that fails first is reported by
 * the all-reduce's own error, as before.
 */
final class LeaderWatch implements AutoCloseable {

  private final Thread thread;
  private volatile boolean closed;

  private LeaderWatch(String leader, float timeoutSeconds, Runnable lost) {
    thread = new Thread(() -> watch(leader, timeoutSeconds, lost), "leader-watch");
    thread.setDaemon(true);
  }

  /** Starts watching {@code leader} (host:port); {@code lost} runs once if it stops answering for the timeout. */
  static LeaderWatch start(String leader, float timeoutSeconds, Runnable lost) {
    LeaderWatch w = new LeaderWatch(leader, timeoutSeconds, lost);
    w.thread.start();
    return w;
  }

  private void watch(String leader, float timeoutSeconds, Runnable lost) {
    long lastSeen = System.nanoTime();
    long limit = (long) (timeoutSeconds * 1e9);
    try {
      while (!closed) {
        // one connection attempt of at most ~1 s (awaitReachable's own connect timeout), then a pause
        if (WorkerServer.awaitReachable(leader, 0f)) {
          lastSeen = System.nanoTime();
        } else if (System.nanoTime() - lastSeen >= limit) {
          if (!closed) lost.run();
          return;
        }
        Thread.sleep(1000);
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  /** Whether the watch is still running (it ends when closed or when it has reported the leader lost). */
  boolean running() {
    return thread.isAlive();
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
