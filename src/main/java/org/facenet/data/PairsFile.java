package org.facenet.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.facenet.io.TextFiles;

/**
 * Pairs files in LFW's format (facenet's lfw.read_pairs / get_paths): a header "folds pairsPerFold", then per fold
 * {@code pairsPerFold} matched lines "name i j" followed by as many mismatched lines "name1 i name2 j" (tab or space
 * separated), so {@code folds x 2 x pairsPerFold} pair lines in all (checked). An image field is either LFW's 1-based
 * index, resolving as {@code DIR/name/name_%04d.ext} (LFW) or {@code DIR/name/%04d.ext} (this project's layout) with
 * ext jpg, png or jpeg, or (this project's extension, for data sets named otherwise) the image's file name in the
 * identity's folder, e.g. {@code "Ann 1 IMG_2041.JPG"}: any field that is not an integer and ends in .jpg, .jpeg or
 * .png (any case). Names and file names cannot contain white space or '/', and a line starting with '#' is a comment.
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
    return parse(file, lines);
  }

  /** Parses the lines of {@code file} (named in errors). */
  static Parsed parse(Path file, List<String> lines) {
    int folds = 0;
    int perFold = 0;
    int headerLine = 0;
    List<Pair> pairs = new ArrayList<>();
    for (int n = 1; n <= lines.size(); n++) {
      String line = lines.get(n - 1).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] f = line.split("\\s+");
      if (headerLine == 0) {
        if (f.length != 2) throw new PairsFormatException(file, n, "expected the header 'folds pairsPerFold', got '" + line + "'");
        folds = positive(file, n, f[0], "folds");
        perFold = positive(file, n, f[1], "pairs per fold");
        headerLine = n;
        continue;
      }
      if (f.length == 3) {
        pairs.add(pair(file, n, f[0], f[1], f[0], f[2]));
      } else if (f.length == 4) {
        pairs.add(pair(file, n, f[0], f[1], f[2], f[3]));
      } else {
        throw new PairsFormatException(file, n, "expected 'name i j' or 'name1 i name2 j', got " + f.length
            + " fields: '" + line + "'");
      }
    }
    if (headerLine == 0) throw new PairsFormatException(file, 1, "empty pairs file");
    if (pairs.isEmpty()) throw new PairsFormatException(file, lines.size(), "no pairs after the header");
    long expected = 2L * folds * perFold;
    if (pairs.size() != expected) {
      throw new PairsFormatException(file, headerLine, String.format(Locale.ROOT, "the header says %d folds of %d pairs, "
          + "i.e. %d x 2 x %d = %d pair lines, but the file has %d pair lines", folds, perFold, folds, perFold, expected,
          pairs.size()));
    }
    return new Parsed(folds, perFold, pairs);
  }

  private static Pair pair(Path file, int line, String name1, String image1, String name2, String image2) {
    int i = index(file, line, image1);
    int j = index(file, line, image2);
    return new Pair(name1, i, name2, j, i == 0 ? image1 : null, j == 0 ? image2 : null);
  }

  /** The field's 1-based index, or 0 when it is an image's file name. */
  private static int index(Path file, int line, String field) {
    String lower = field.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".png")) {
      if (field.contains("/") || field.contains("\\")) {
        throw new PairsFormatException(file, line, "an image's file name must be a plain name in the identity's folder, "
            + "got '" + field + "'");
      }
      return 0;
    }
    try {
      int v = Integer.parseInt(field);
      if (v < 1) throw new PairsFormatException(file, line, "image index must be >= 1, got " + v);
      return v;
    } catch (NumberFormatException e) {
      throw new PairsFormatException(file, line, "image is neither an index nor a file name ending in .jpg, .jpeg or "
          + ".png: '" + field + "'");
    }
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

  /**
   * Writes a pairs file atomically, after checking that it reads back as the same pairs (names without white space,
   * the header matching the number of pairs); a pair that could not be read back is an error naming it.
   */
  public static void write(Path file, int folds, int pairsPerFold, List<Pair> pairs) throws IOException {
    List<String> lines = new ArrayList<>(pairs.size() + 1);
    lines.add(folds + "\t" + pairsPerFold);
    for (Pair p : pairs) {
      for (String name : List.of(p.firstName(), p.secondName(), p.firstImage(), p.secondImage())) {
        if (name.isEmpty() || name.strip().length() != name.length() || name.split("\\s+").length != 1
            || p.firstName().startsWith("#")) {
          throw new IllegalArgumentException(file + ": cannot write the pair '" + p.toLine().replace('\t', ' ')
              + "': '" + name + "' contains white space or starts with '#', which a pairs file cannot hold; rename it");
        }
      }
      lines.add(p.toLine());
    }
    Parsed back;
    try {
      back = parse(file, lines);
    } catch (PairsFormatException e) {
      throw new IllegalArgumentException(file + ": refusing to write a pairs file that would not read back: "
          + e.getMessage(), e);
    }
    for (int i = 0; i < pairs.size(); i++) {
      if (!back.pairs().get(i).equals(pairs.get(i))) {
        throw new IllegalArgumentException(file + ": refusing to write the pair '" + pairs.get(i).toLine().replace('\t', ' ')
            + "', which would read back as '" + back.pairs().get(i).toLine().replace('\t', ' ') + "'");
      }
    }
    TextFiles.write(file, w -> {
      for (String line : lines) w.write(line + "\n");
    });
  }

  /** Resolves pairs against {@code dir}. */
  public static Resolved resolve(Path dir, List<Pair> pairs) {
    List<Path> first = new ArrayList<>();
    List<Path> second = new ArrayList<>();
    List<Boolean> same = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Pair p : pairs) {
      Path a = find(dir, p.firstName(), p.firstIndex(), p.firstFile());
      Path b = find(dir, p.secondName(), p.secondIndex(), p.secondFile());
      if (a == null || b == null) {
        missing.add(p.toLine().replace('\t', ' ') + ": no image for " + (a == null ? p.firstName() + " " + p.firstImage()
            : p.secondName() + " " + p.secondImage()) + " in " + dir);
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

  /** The image {@code file} (when not null) or number {@code index} of identity {@code name} below {@code dir}. */
  static Path find(Path dir, String name, int index, String file) {
    if (file != null) {
      Path p = dir.resolve(name).resolve(file);
      return Files.isRegularFile(p) ? p : null;
    }
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
   * Where every image drawn is named as LFW numbers them (the i-th file in sorted order resolves as index i, see
   * {@link #resolve}), the pairs use LFW's numeric form, which facenet reads too; otherwise every image is given by
   * its file name.
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
    return numbered(dataset, out) ? out : byFileName(dataset, out);
  }

  /** Whether every image of {@code pairs} (positions in sorted order) resolves by its number to that very file. */
  private static boolean numbered(ImageDataset dataset, List<Pair> pairs) {
    java.util.Map<String, Integer> label = new java.util.HashMap<>();
    for (int c = 0; c < dataset.numClasses(); c++) label.put(dataset.classNames().get(c), c);
    for (Pair p : pairs) {
      if (!dataset.images().get(dataset.imagesOfClass(label.get(p.firstName())).get(p.firstIndex() - 1)).path()
          .equals(find(dataset.root(), p.firstName(), p.firstIndex(), null))) {
        return false;
      }
      if (!dataset.images().get(dataset.imagesOfClass(label.get(p.secondName())).get(p.secondIndex() - 1)).path()
          .equals(find(dataset.root(), p.secondName(), p.secondIndex(), null))) {
        return false;
      }
    }
    return true;
  }

  private static List<Pair> byFileName(ImageDataset dataset, List<Pair> pairs) {
    java.util.Map<String, Integer> label = new java.util.HashMap<>();
    for (int c = 0; c < dataset.numClasses(); c++) label.put(dataset.classNames().get(c), c);
    List<Pair> out = new ArrayList<>(pairs.size());
    for (Pair p : pairs) {
      out.add(Pair.ofFiles(p.firstName(), fileName(dataset, label.get(p.firstName()), p.firstIndex()), p.secondName(),
          fileName(dataset, label.get(p.secondName()), p.secondIndex())));
    }
    return out;
  }

  private static String fileName(ImageDataset dataset, int label, int position) {
    return dataset.images().get(dataset.imagesOfClass(label).get(position - 1)).path().getFileName().toString();
  }
}
