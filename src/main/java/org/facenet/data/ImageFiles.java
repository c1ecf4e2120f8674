package org.facenet.data;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The one rule for which files are images, shared by training ({@link ImageDataset}), facenet-embed and
 * facenet-verify: a regular file named {@code *.jpg}, {@code *.jpeg} or {@code *.png} (any case) that is not hidden;
 * hidden files and folders (a name starting with '.', e.g. {@code .x.png}, {@code .thumbnails/}) are skipped.
 */
public final class ImageFiles {

  private ImageFiles() {}

  /** Whether the name is hidden: it starts with '.'. */
  public static boolean isHidden(Path p) {
    Path name = p.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  /** Whether the file name is an image's: an image extension and not hidden. */
  public static boolean isImageName(Path p) {
    return !isHidden(p) && hasImageExtension(p);
  }

  /** Whether the file name ends in .jpg, .jpeg or .png (any case). */
  public static boolean hasImageExtension(Path p) {
    Path name = p.getFileName();
    if (name == null) return false;
    String n = name.toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
  }

  /** The images directly in {@code dir}, sorted. */
  public static List<Path> list(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.filter(ImageFiles::isImageName).filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** The images below {@code dir} at any depth, sorted, not descending into hidden folders. */
  public static List<Path> listRecursively(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": not a folder");
    List<Path> out = new ArrayList<>();
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
        return !d.equals(dir) && isHidden(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
        if (isImageName(f) && Files.isRegularFile(f)) out.add(f); // a link to a file counts, as before
        return FileVisitResult.CONTINUE;
      }
    });
    Collections.sort(out);
    return out;
  }
}
