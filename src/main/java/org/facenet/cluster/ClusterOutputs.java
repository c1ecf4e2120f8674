package org.facenet.cluster;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.facenet.io.AtomicFiles;

/** Writes a clustering: the {@code path,cluster} CSV and the folder-per-cluster tree. All outputs are atomic. */
public final class ClusterOutputs {

  /** Name of the folder that receives the noise points in {@link #writeFolders}. */
  public static final String NOISE_FOLDER = "noise";
  /** Marks a folder tree written by {@link #writeFolders}, which may then be replaced by a later run. */
  public static final String MARKER = ".facenet-cluster";

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
   * A folder per cluster under {@code dir}, named by cluster number (0 the largest, as facenet's clustering
   * script), with the cluster's images copied (or symbolically linked, to their absolute path) under their own
   * file names; a second image with the same name in one folder becomes {@code name-2.jpg}, and so on. Noise
   * points go to {@code noise/}. The tree is built beside {@code dir} and renamed into place, replacing a tree a
   * previous run wrote (recognised by its {@value #MARKER} file); any other non-empty {@code dir} is an error.
   *
   * @param imagesRoot relative paths in the CSV are resolved against this folder
   */
  public static void writeFolders(Path dir, Embeddings e, Clustering c, Path imagesRoot, boolean link) throws IOException {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": exists and is not a folder");
      boolean empty;
      try (var s = Files.list(dir)) {
        empty = s.findAny().isEmpty();
      }
      if (!empty && !Files.exists(dir.resolve(MARKER))) {
        throw new IllegalArgumentException(dir + ": folder exists and was not written by facenet-cluster; "
            + "choose a new folder or empty it");
      }
    }
    // check every image first, so a missing one is reported before any work
    for (int i = 0; i < e.size(); i++) {
      Path src = imagesRoot.resolve(e.path(i));
      if (!Files.isRegularFile(src)) {
        throw new IllegalArgumentException(src + ": image not found (row " + (i + 2) + " of the CSV; relative paths "
            + "are resolved against " + imagesRoot.toAbsolutePath() + ")");
      }
    }
    int[][] members = c.members();
    AtomicFiles.writeDirectory(dir, AtomicFiles.Existing.REPLACE, tmp -> {
      Files.writeString(tmp.resolve(MARKER), "written by facenet-cluster; this folder is replaced by the next run\n");
      for (int k = 0; k < members.length; k++) fill(tmp.resolve(Integer.toString(k)), members[k], e, imagesRoot, link);
      if (c.noiseCount() > 0) fill(tmp.resolve(NOISE_FOLDER), c.noiseMembers(), e, imagesRoot, link);
    });
  }

  private static void fill(Path folder, int[] rows, Embeddings e, Path root, boolean link) throws IOException {
    Files.createDirectories(folder);
    Set<String> used = new HashSet<>();
    for (int i : rows) {
      Path src = root.resolve(e.path(i)).toAbsolutePath().normalize();
      String name = uniqueName(src.getFileName().toString(), used);
      Path dst = folder.resolve(name);
      if (link) {
        Files.createSymbolicLink(dst, src);
      } else {
        Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
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
