package org.facenet.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.facenet.io.AtomicFiles;
import org.tensorflow.Session;

/**
 * What a resumed run starts from: the newest checkpoint that restores, falling back to older ones with a warning
 * naming each bad one (a missing or empty index, a missing data shard, or TensorFlow refusing it, e.g. a truncated
 * or corrupt data file); and the half-written temporaries that a kill during a save leaves in
 * {@code RUN/checkpoints} (AtomicFiles' hidden siblings {@code .step-NNNNNNNN.*}), removed at the next start.
 */
public final class CheckpointRecovery {

  /** AtomicFiles' temporaries of a checkpoint folder: "." + "step-NNNNNNNN" + "." + its random part. */
  private static final Pattern TEMPORARY = Pattern.compile("\\.step-\\d{8}\\..+");
  private static final Pattern SHARD = Pattern.compile(Pattern.quote(Checkpoints.PREFIX) + "\\.data-(\\d{5})-of-(\\d{5})");

  private CheckpointRecovery() {}

  /** Removes this project's checkpoint temporaries from {@code checkpoints}' folder; returns what it removed. */
  public static List<Path> removeTemporaries(Checkpoints checkpoints) throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(checkpoints.dir())) return removed;
    List<Path> leftovers;
    try (Stream<Path> s = Files.list(checkpoints.dir())) {
      leftovers = s.filter(p -> TEMPORARY.matcher(p.getFileName().toString()).matches()).sorted().toList();
    }
    for (Path p : leftovers) {
      AtomicFiles.deleteRecursively(p);
      removed.add(p);
    }
    return removed;
  }

  /**
   * Restores into {@code session} the newest checkpoint of {@code checkpoints} that is whole, warning about each
   * newer one that is not; empty when there is no checkpoint at all. When there are checkpoints and none restores,
   * an IllegalArgumentException names the run's checkpoint folder and every problem.
   */
  public static Optional<Path> restoreNewestGood(Checkpoints checkpoints, Session session, Consumer<String> warnings)
      throws IOException {
    List<Path> all = checkpoints.newestFirst();
    List<String> problems = new ArrayList<>();
    for (Path prefix : all) {
      String problem = problem(prefix);
      if (problem == null) {
        try {
          session.restore(prefix.toString());
          return Optional.of(prefix);
        } catch (RuntimeException e) {
          problem = "TensorFlow cannot restore it: " + firstLine(e.getMessage());
        }
      }
      problems.add(prefix.getParent() + ": " + problem);
      warnings.accept("checkpoint " + prefix.getParent() + " is not usable (" + problem + ")"
          + (prefix.equals(all.get(all.size() - 1)) ? "" : "; trying the previous one"));
    }
    if (all.isEmpty()) return Optional.empty();
    throw new IllegalArgumentException("none of the " + all.size() + " checkpoint(s) in " + checkpoints.dir()
        + " can be restored, so the run cannot be resumed: " + String.join("; ", problems));
  }

  /** Why the checkpoint at {@code prefix} is not whole, from its files alone, or null. */
  static String problem(Path prefix) throws IOException {
    Path index = prefix.resolveSibling(prefix.getFileName() + ".index");
    if (!Files.isRegularFile(index)) return index.getFileName() + " is missing";
    if (Files.size(index) == 0) return index.getFileName() + " is empty";
    int shards = -1;
    List<Integer> present = new ArrayList<>();
    try (Stream<Path> s = Files.list(prefix.getParent())) {
      for (Path f : s.toList()) {
        Matcher m = SHARD.matcher(f.getFileName().toString());
        if (!m.matches()) continue;
        shards = Integer.parseInt(m.group(2));
        present.add(Integer.parseInt(m.group(1)));
      }
    }
    if (shards < 0) return "its data file " + prefix.getFileName() + ".data-* is missing";
    for (int i = 0; i < shards; i++) {
      if (!present.contains(i)) return String.format("its data file %s.data-%05d-of-%05d is missing", prefix.getFileName(), i, shards);
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) return "no message";
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
