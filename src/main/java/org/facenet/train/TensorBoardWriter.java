package org.facenet.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Scalars to TensorBoard event files ({@code events.out.tfevents.*}) through TensorFlow's own summary ops
 * (CreateSummaryFileWriter / WriteScalarSummary), in a small graph of its own beside the training graph.
 * {@code tensorboard --logdir RUN} shows them.
 */
public final class TensorBoardWriter implements AutoCloseable {

  private final Graph graph = new Graph();
  private final Session session;
  private final Placeholder<TInt64> step;
  private final Placeholder<TString> tag;
  private final Placeholder<TFloat32> value;
  private final Op write;
  private final Op flush;
  private final Op close;

  /** A writer that writes nothing: the non-chief workers of a distributed run. */
  public static TensorBoardWriter discarding() {
    return new TensorBoardWriter();
  }

  private TensorBoardWriter() {
    session = null;
    step = null;
    tag = null;
    value = null;
    write = null;
    flush = null;
    close = null;
    graph.close();
  }

  public TensorBoardWriter(Path logDir) throws java.io.IOException {
    Files.createDirectories(logDir);
    Ops tf = Ops.create(graph);
    SummaryWriter writer = tf.summary.summaryWriter(SummaryWriter.sharedName("facenet_events"));
    Op create = tf.summary.createSummaryFileWriter(writer, tf.constant(logDir.toAbsolutePath().toString()),
        tf.constant(100), tf.constant(10_000), tf.constant(".facenet"));
    step = tf.placeholder(TInt64.class);
    tag = tf.placeholder(TString.class);
    value = tf.placeholder(TFloat32.class);
    write = tf.summary.writeScalarSummary(writer, step, tag, value);
    flush = tf.summary.flushSummaryWriter(writer);
    close = tf.summary.closeSummaryWriter(writer);
    session = new Session(graph);
    session.runner().addTarget(create).run();
  }

  /** Writes {@code tag = v} at {@code globalStep}. */
  public void scalar(long globalStep, String name, double v) {
    if (session == null) return;
    try (TInt64 s = TInt64.scalarOf(globalStep); TString t = TString.scalarOf(name); TFloat32 x = TFloat32.scalarOf((float) v)) {
      session.runner().feed(step, s).feed(tag, t).feed(value, x).addTarget(write).run();
    }
  }

  /** Writes every entry of {@code scalars} at {@code globalStep}. */
  public void scalars(long globalStep, Map<String, Double> scalars) {
    scalars.forEach((k, v) -> scalar(globalStep, k, v));
  }

  public void flush() {
    if (session == null) return;
    session.runner().addTarget(flush).run();
  }

  @Override
  public void close() {
    if (session == null) return;
    try {
      session.runner().addTarget(flush).run();
      session.runner().addTarget(close).run();
    } finally {
      session.close();
      graph.close();
    }
  }
}
