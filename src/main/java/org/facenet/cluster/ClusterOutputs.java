package org.facenet.cluster;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.facenet.io.AtomicFiles;

/**
 * Writes a clustering: the {@code path,cluster} CSV and the folder-per-cluster tree. Nothing is ever deleted or
 * replaced: the CSV is written whole or not at all, and the tree only gains the files of this run.
 */
public final class ClusterOutputs {

  /** Name of the folder that receives the noise points in {@link #writeFolders}. */
  public static final String NOISE_FOLDER = "noise";

  /** What {@link #writeFolders} did. */
  public record FolderReport(int written, int alreadyThere) {}

  private ClusterOutputs() {}

  /** {@code path,cluster}, one row per embedding in input order, noise as -1; written whole or not at all. */
  public static void writeCsv(Path file, Embeddings e, Clustering c) throws IOException {
    if (c.size() != e.size()) throw new IllegalArgumentException(c.size() + " cluster labels for " + e.size() + " embeddings");
    AtomicFiles.write(file, out -> {
      Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
      try (CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n')
          .setHeader("path", "cluster").build())) {
        for (int i = 0; i < e.size(); i++) csv.printRecord(e.path(i), c.label(i));
      }
    });
  }

  /**
   * Checks, before any work, that {@code dir} may receive a cluster tree: it must be absent, an empty folder, or (with
   * {@code overwrite}) any folder, to which this run then only adds files.
   */
  public static void checkFolderTarget(Path dir, boolean overwrite) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Path parent = dir.toAbsolutePath().getParent();
      while (parent != null && !Files.exists(parent)) parent = parent.getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new IllegalArgumentException(dir + ": cannot be created, " + parent + " is not a folder");
      }
      return;
    }
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": exists and is not a folder");
    if (overwrite) return;
    List<String> names = new ArrayList<>();
    long count;
    try (Stream<Path> s = Files.list(dir)) {
      count = s.peek(p -> {
        if (names.size() < 5) names.add(p.getFileName().toString());
      }).count();
    }
    if (count > 0) {
      java.util.Collections.sort(names);
      throw new IllegalArgumentException(dir + ": folder is not empty, it holds " + String.join(", ", names)
          + (count > names.size() ? " and " + (count - names.size()) + " more" : "") + ". facenet-cluster never "
          + "deletes or replaces files: choose a new folder, or pass --overwrite to add this run's files beside "
          + "what is there (files of yours are kept; a file of this run that exists with other content stops the run)");
    }
  }

  /** Checks that every image of the CSV exists, so that a missing one is reported before any work. */
  public static void checkImages(Embeddings e, Path imagesRoot) {
    for (int i = 0; i < e.size(); i++) {
      Path src = imagesRoot.resolve(e.path(i));
      if (!Files.isRegularFile(src)) {
        throw new IllegalArgumentException(src + ": image not found (row " + (i + 2) + " of the CSV; relative paths "
            + "are resolved against " + imagesRoot.toAbsolutePath() + ")");
      }
    }
  }

  /**
   * Where every image goes: {@code cluster-0000/} for cluster 0 (the largest, numbered as in the CSV), ...,
   * {@code noise/} for noise; in a folder, {@code <identity>_<name>} where identity is the image's parent folder
   * (its file name alone when it has none), made unique as {@code <identity>_<stem>-2.<ext>}. The keys are the
   * relative destinations in a fixed order; the values the absolute sources.
   */
  public static Map<String, Path> layout(Embeddings e, Clustering c, Path imagesRoot) {
    if (c.size() != e.size()) throw new IllegalArgumentException(c.size() + " cluster labels for " + e.size() + " embeddings");
    int[][] members = c.members();
    int digits = Math.max(4, Integer.toString(Math.max(0, members.length - 1)).length());
    Map<String, Path> plan = new LinkedHashMap<>();
    for (int k = 0; k < members.length; k++) {
      place(plan, String.format(Locale.ROOT, "cluster-%0" + digits + "d", k), members[k], e, imagesRoot);
    }
    if (c.noiseCount() > 0) place(plan, NOISE_FOLDER, c.noiseMembers(), e, imagesRoot);
    return plan;
  }

  private static void place(Map<String, Path> plan, String folder, int[] rows, Embeddings e, Path root) {
    Set<String> used = new HashSet<>();
    for (int i : rows) {
      Path src = root.resolve(e.path(i)).toAbsolutePath().normalize();
      Path rel = Path.of(e.path(i)).normalize();
      Path parent = rel.getParent() != null ? rel.getParent().getFileName() : null;
      String name = (parent == null || parent.toString().isEmpty() || parent.toString().equals("..") ? ""
          : parent + "_") + src.getFileName();
      plan.put(folder + "/" + uniqueName(name, used), src);
    }
  }

  /**
   * Writes the images of each cluster into {@code dir} as {@link #layout} places them, copied or (with {@code link})
   * as symbolic links to their absolute paths. Checks everything first ({@link #checkFolderTarget}, {@link
   * #checkImages}, and that no file to write exists with other content: a file identical to the one this run would
   * write is left as it is), then writes each file atomically. Nothing is deleted or replaced.
   */
  public static FolderReport writeFolders(Path dir, Embeddings e, Clustering c, Path imagesRoot, boolean link,
      boolean overwrite) throws IOException {
    checkFolderTarget(dir, overwrite);
    checkImages(e, imagesRoot);
    Map<String, Path> plan = layout(e, c, imagesRoot);
    List<String> conflicts = new ArrayList<>();
    Set<String> present = new HashSet<>();
    Set<String> folders = new HashSet<>();
    for (String key : plan.keySet()) folders.add(key.substring(0, key.indexOf('/')));
    for (String f : folders) {
      Path folder = dir.resolve(f);
      if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
        conflicts.add(f);
      }
    }
    for (Map.Entry<String, Path> p : plan.entrySet()) {
      Path dst = dir.resolve(p.getKey());
      if (!Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) continue;
      if (same(dst, p.getValue(), link)) {
        present.add(p.getKey());
      } else {
        conflicts.add(p.getKey());
      }
    }
    if (!conflicts.isEmpty()) {
      throw new IllegalArgumentException(dir + ": " + conflicts.size() + " file(s) this run would write exist with "
          + "other content, e.g. " + String.join(", ", conflicts.subList(0, Math.min(3, conflicts.size())))
          + "; nothing was written. Choose a new folder (facenet-cluster never replaces a file)");
    }
    int written = 0;
    for (Map.Entry<String, Path> p : plan.entrySet()) {
      if (present.contains(p.getKey())) continue;
      Path dst = dir.resolve(p.getKey());
      Files.createDirectories(dst.getParent());
      Path src = p.getValue();
      if (link) {
        Path tmp = dst.resolveSibling("." + dst.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, src);
        Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
      } else {
        AtomicFiles.write(dst, out -> Files.copy(src, out));
        Files.setLastModifiedTime(dst, Files.getLastModifiedTime(src));
      }
      written++;
    }
    return new FolderReport(written, present.size());
  }

  /** Whether {@code dst} is already what this run would write for {@code src}. */
  private static boolean same(Path dst, Path src, boolean link) throws IOException {
    if (link) return Files.isSymbolicLink(dst) && Files.readSymbolicLink(dst).equals(src);
    return !Files.isSymbolicLink(dst) && Files.isRegularFile(dst) && Files.mismatch(dst, src) == -1;
  }

  static String uniqueName(String name, Set<String> used) {
    if (used.add(name)) return name;
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    for (int k = 2;; k++) {
      String candidate = stem + "-" + k + ext;
      if (used.add(candidate)) return candidate;
    }
  }
}
