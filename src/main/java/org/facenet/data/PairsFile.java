package org.facenet.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.facenet.io.TextFiles;

/**
 * LFW-format pairs files (facenet's lfw.read_pairs / get_paths): a header "folds pairsPerFold", then per fold
 * {@code pairsPerFold} matched lines "name i j" followed by as many mismatched lines "name1 i name2 j"
 * (tab or space separated, indices 1-based). Files resolve as {@code DIR/name/name_%04d.ext} (LFW) or
 * {@code DIR/name/%04d.ext} (this project's layout) with ext jpg, png or jpeg.
 */
public final class PairsFile {

  /** A parsed file: its header and its pairs in file order. */
  public record Parsed(int folds, int pairsPerFold, List<Pair> pairs) {}

  /** Pairs resolved to files; pairs with a missing file are left out and described in {@code missing}. */
  public record Resolved(List<Path> first, List<Path> second, boolean[] same, List<String> missing) {}

  private static final String[] EXTENSIONS = {".jpg", ".png", ".jpeg", ".JPG", ".PNG", ".JPEG"};

  private PairsFile() {}

  public static Parsed read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": pairs file not found");
    List<String> lines = TextFiles.readLines(file);
    int folds = 0;
    int perFold = 0;
    List<Pair> pairs = new ArrayList<>();
    boolean header = false;
    for (int n = 1; n <= lines.size(); n++) {
      String line = lines.get(n - 1).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] f = line.split("\\s+");
      if (!header) {
        if (f.length != 2) throw new PairsFormatException(file, n, "expected the header 'folds pairsPerFold', got '" + line + "'");
        folds = positive(file, n, f[0], "folds");
        perFold = positive(file, n, f[1], "pairs per fold");
        header = true;
        continue;
      }
      if (f.length == 3) {
        pairs.add(new Pair(f[0], positive(file, n, f[1], "image index"), f[0], positive(file, n, f[2], "image index")));
      } else if (f.length == 4) {
        pairs.add(new Pair(f[0], positive(file, n, f[1], "image index"), f[2], positive(file, n, f[3], "image index")));
      } else {
        throw new PairsFormatException(file, n, "expected 'name i j' or 'name1 i name2 j', got " + f.length
            + " fields: '" + line + "'");
      }
    }
    if (!header) throw new PairsFormatException(file, 1, "empty pairs file");
    if (pairs.isEmpty()) throw new PairsFormatException(file, lines.size(), "no pairs after the header");
    return new Parsed(folds, perFold, pairs);
  }

  private static int positive(Path file, int line, String field, String what) {
    try {
      int v = Integer.parseInt(field);
      if (v < 1) throw new PairsFormatException(file, line, what + " must be >= 1, got " + v);
      return v;
    } catch (NumberFormatException e) {
      throw new PairsFormatException(file, line, what + " is not an integer: '" + field + "'");
    }
  }

  /** Writes a pairs file atomically. */
  public static void write(Path file, int folds, int pairsPerFold, List<Pair> pairs) throws IOException {
    TextFiles.write(file, w -> {
      w.write(folds + "\t" + pairsPerFold + "\n");
      for (Pair p : pairs) w.write(p.toLine() + "\n");
    });
  }

  /** Resolves pairs against {@code dir}. */
  public static Resolved resolve(Path dir, List<Pair> pairs) {
    List<Path> first = new ArrayList<>();
    List<Path> second = new ArrayList<>();
    List<Boolean> same = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Pair p : pairs) {
      Path a = find(dir, p.firstName(), p.firstIndex());
      Path b = find(dir, p.secondName(), p.secondIndex());
      if (a == null || b == null) {
        missing.add(p.toLine().replace('\t', ' ') + ": no image for " + (a == null ? p.firstName() + " " + p.firstIndex()
            : p.secondName() + " " + p.secondIndex()) + " in " + dir);
        continue;
      }
      first.add(a);
      second.add(b);
      same.add(p.same());
    }
    boolean[] s = new boolean[same.size()];
    for (int i = 0; i < s.length; i++) s[i] = same.get(i);
    return new Resolved(first, second, s, missing);
  }

  static Path find(Path dir, String name, int index) {
    String num = String.format("%04d", index);
    for (String ext : EXTENSIONS) {
      Path lfw = dir.resolve(name).resolve(name + "_" + num + ext);
      if (Files.isRegularFile(lfw)) return lfw;
      Path plain = dir.resolve(name).resolve(num + ext);
      if (Files.isRegularFile(plain)) return plain;
    }
    return null;
  }

  /**
   * Pairs for any data set in the facenet layout, deterministic from the seed: identities are split into
   * {@code folds} disjoint groups (as LFW's folds are disjoint in people); each fold gets {@code pairsPerFold}
   * matched pairs (two different images of one identity) and as many mismatched pairs (two identities of the fold).
   * Image indices are positions (1-based) in the identity's sorted file list, so the names must follow one of the
   * layouts {@link #resolve} knows; other names are rejected.
   */
  public static List<Pair> make(ImageDataset dataset, int folds, int pairsPerFold, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Integer> ids = new ArrayList<>();
    for (int c = 0; c < dataset.numClasses(); c++) ids.add(c);
    for (int i = ids.size() - 1; i > 0; i--) java.util.Collections.swap(ids, i, r.nextInt(i + 1));
    if (ids.size() < 2 * folds) {
      throw new DatasetException(dataset.root() + ": " + ids.size() + " identities cannot make " + folds
          + " folds of pairs (need at least 2 per fold)");
    }
    List<Pair> out = new ArrayList<>();
    for (int fold = 0; fold < folds; fold++) {
      List<Integer> group = ids.subList(fold * ids.size() / folds, (fold + 1) * ids.size() / folds);
      List<Integer> multi = group.stream().filter(c -> dataset.imagesOfClass(c).size() >= 2).toList();
      if (multi.isEmpty()) {
        throw new DatasetException(dataset.root() + ": fold " + (fold + 1) + " has no identity with 2 images; "
            + "use --min-images-per-class 2 or fewer folds");
      }
      Set<String> seen = new HashSet<>();
      int attempts = 0;
      List<Pair> matched = new ArrayList<>();
      while (matched.size() < pairsPerFold && attempts++ < 100 * pairsPerFold) {
        int c = multi.get(r.nextInt(multi.size()));
        int n = dataset.imagesOfClass(c).size();
        int i = 1 + r.nextInt(n);
        int j = 1 + r.nextInt(n);
        if (i == j) continue;
        Pair p = new Pair(dataset.classNames().get(c), Math.min(i, j), dataset.classNames().get(c), Math.max(i, j));
        if (seen.add(p.toLine())) matched.add(p);
      }
      List<Pair> mismatched = new ArrayList<>();
      attempts = 0;
      while (mismatched.size() < pairsPerFold && attempts++ < 100 * pairsPerFold) {
        int c1 = group.get(r.nextInt(group.size()));
        int c2 = group.get(r.nextInt(group.size()));
        if (c1 == c2) continue;
        Pair p = new Pair(dataset.classNames().get(c1), 1 + r.nextInt(dataset.imagesOfClass(c1).size()),
            dataset.classNames().get(c2), 1 + r.nextInt(dataset.imagesOfClass(c2).size()));
        if (seen.add(p.toLine())) mismatched.add(p);
      }
      if (matched.size() < pairsPerFold || mismatched.size() < pairsPerFold) {
        throw new DatasetException(dataset.root() + ": fold " + (fold + 1) + " has too few distinct pairs for "
            + pairsPerFold + " matched and mismatched pairs; lower --pairs-per-fold");
      }
      out.addAll(matched);
      out.addAll(mismatched);
    }
    return out;
  }
}
