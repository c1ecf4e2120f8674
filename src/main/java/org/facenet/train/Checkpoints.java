package org.facenet.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.facenet.io.AtomicFiles;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * Checkpoints of a run: {@code RUN/checkpoints/step-00000100/model.{index,data-*}}, each written to a
 * temporary directory and renamed, so a killed run leaves only whole checkpoints; the newest
 * {@code keep} are kept.
 */
public final class Checkpoints {

  private static final Pattern NAME = Pattern.compile("step-(\\d{8})");
  static final String PREFIX = "model";

  private final Path dir;
  private final int keep;

  public Checkpoints(Path runDir, int keep) {
    this.dir = runDir.resolve("checkpoints");
    this.keep = keep;
  }

  /** Saves every variable of {@code session}'s graph as the checkpoint of {@code step}; returns its prefix. */
  public Path save(Session session, long step) throws IOException {
    Path target = dir.resolve(String.format("step-%08d", step));
    AtomicFiles.writeDirectory(target, AtomicFiles.Existing.REPLACE, tmp -> {
      try {
        session.save(tmp.resolve(PREFIX).toString());
      } catch (TensorFlowException e) { // a full disk, say: the message names the checkpoint, not a stack trace
        throw new IOException(target.toAbsolutePath() + ": " + e.getMessage().lines().findFirst().orElse(""), e);
      }
    });
    prune();
    return target.resolve(PREFIX);
  }

  /**
   * Fixes the variables {@code graph}'s checkpoints (and SavedModel exports) hold to those it has now. TensorFlow
   * Java's {@code Session.save} and {@code restore} use a saver over every variable of the graph, built once, on first
   * use, by the package-private {@code Graph.saverDef()}; building it here (by reflection) leaves out the variables
   * created afterwards: the copies of the other replicas ({@code --replicas}), so that a run's checkpoint is the same
   * whatever its replica count. A TensorFlow Java release without that method fails here loudly.
   */
  static void holdOnlyVariablesSoFar(org.tensorflow.Graph graph) {
    try {
      java.lang.reflect.Method saverDef = org.tensorflow.Graph.class.getDeclaredMethod("saverDef");
      saverDef.setAccessible(true);
      saverDef.invoke(graph);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("this TensorFlow Java has no Graph.saverDef() to fix the checkpointed variables "
          + "of a --replicas run: " + e, e);
    }
  }

  /** The prefix of the newest checkpoint, if any. */
  public Optional<Path> latest() throws IOException {
    return list().stream().reduce((a, b) -> b).map(p -> p.resolve(PREFIX));
  }

  /** The prefixes of every checkpoint folder, newest first, whole or not (see {@link CheckpointRecovery}). */
  public List<Path> newestFirst() throws IOException {
    List<Path> all = new java.util.ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p)).sorted()
            .forEach(p -> all.add(p.resolve(PREFIX)));
      }
    }
    java.util.Collections.reverse(all);
    return all;
  }

  /** The folder the checkpoints are in, {@code RUN/checkpoints}. */
  public Path dir() {
    return dir;
  }

  /** The step a checkpoint prefix belongs to. */
  public static long stepOf(Path prefix) {
    Matcher m = NAME.matcher(prefix.getParent().getFileName().toString());
    if (!m.matches()) throw new IllegalArgumentException(prefix + " is not a checkpoint of this project");
    return Long.parseLong(m.group(1));
  }

  private List<Path> list() throws IOException {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches()
              && Files.exists(p.resolve(PREFIX + ".index")))
          .sorted().toList();
    }
  }

  private void prune() throws IOException {
    List<Path> all = list();
    for (int i = 0; i < all.size() - keep; i++) AtomicFiles.deleteRecursively(all.get(i));
  }
}
