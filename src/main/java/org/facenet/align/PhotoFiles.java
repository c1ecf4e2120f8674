package org.facenet.align;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The photos named on a command line: files as given, folders walked for image files, sorted. */
public final class PhotoFiles {

  private PhotoFiles() {}

  /** Whether {@code file}'s name ends in an extension TensorFlow's DecodeImage reads (any case). */
  public static boolean isImage(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || n.endsWith(".gif") || n.endsWith(".bmp");
  }

  /** Every image below each folder (sorted by path) and every file given; a missing input is an error naming it. */
  public static List<Path> list(List<Path> inputs) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path in : inputs) {
      if (Files.isDirectory(in)) {
        try (Stream<Path> s = Files.walk(in)) {
          s.filter(Files::isRegularFile).filter(PhotoFiles::isImage).sorted().forEach(out::add);
        }
      } else if (Files.exists(in)) {
        out.add(in);
      } else {
        throw new IOException(in + ": no such file or folder");
      }
    }
    return out;
  }
}
