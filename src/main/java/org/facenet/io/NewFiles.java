package org.facenet.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What appears under a folder from a point on, so that a command that fails before it has produced anything can take
 * back what it wrote there and nothing else: the files and folders present at {@link #since} are kept, and the folder
 * itself is removed only if it did not exist then and is empty after.
 */
public final class NewFiles {

  private final Path root;
  private final boolean rootExisted;
  private final Set<Path> before;

  private NewFiles(Path root, boolean rootExisted, Set<Path> before) {
    this.root = root;
    this.rootExisted = rootExisted;
    this.before = before;
  }

  /** Notes what {@code root} holds now (nothing if it does not exist). */
  public static NewFiles since(Path root) throws IOException {
    Path abs = root.toAbsolutePath().normalize();
    if (!Files.exists(abs)) return new NewFiles(abs, false, Set.of());
    try (Stream<Path> all = Files.walk(abs)) {
      return new NewFiles(abs, true, new HashSet<>(all.toList()));
    }
  }

  /**
   * Deletes every file and folder under the root that was not there at {@link #since} (deepest first; a folder that
   * was there is kept even if it now holds only new files), then the root if it was created since and is empty.
   * Returns what was deleted.
   */
  public List<Path> remove() throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.exists(root)) return removed;
    List<Path> all;
    try (Stream<Path> walk = Files.walk(root)) {
      all = walk.filter(p -> !p.equals(root) && !before.contains(p)).sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> left = Files.list(p)) {
          if (left.findAny().isPresent()) continue;
        }
      }
      Files.delete(p);
      removed.add(p);
    }
    if (!rootExisted) {
      try (Stream<Path> left = Files.list(root)) {
        if (left.findAny().isEmpty()) {
          Files.delete(root);
          removed.add(root);
        }
      }
    }
    return removed;
  }
}
