package org.facenet.progress;

/** Told how much of a task is done: {@code done} of {@code total} units (the total may be known only once started). */
@FunctionalInterface
public interface ProgressListener {

  /** A listener that ignores everything. */
  ProgressListener NONE = (done, total) -> {};

  /** {@code done} of {@code total} units are done; may be called from any thread. */
  void progress(long done, long total);
}
