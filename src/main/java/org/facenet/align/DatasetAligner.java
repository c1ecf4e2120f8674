package org.facenet.align;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.facenet.data.BadImageException;
import org.facenet.io.AtomicFiles;

/**
 * facenet's align_dataset_mtcnn.py: a folder of identity folders of raw photos to the same folders of aligned face
 * crops ({@code <name>.png}, or {@code <name>_<i>.png} for every face with {@code multipleFaces}). One face a photo is
 * chosen as facenet chooses it ({@link #choose}); each crop is {@link FaceCropper}'s (facenet's) or, with
 * {@link Alignment#SIMILARITY}, {@link SimilarityAligner}'s (insightface's). A photo whose crop already
 * exists is skipped, so a rerun resumes after a kill; each PNG is written whole or not at all.
 *
 * <p>Each run appends to its own {@code bounding_boxes_NNNNN.txt} (a random key, as facenet), one line a photo as
 * it finishes: {@code <crop path> x1 y1 x2 y2} (the crop rectangle in the photo's pixels; with similarity alignment the
 * face box, truncated) or, for a photo without a
 * face, {@code <crop path it would have had>}. Unlike the crops this file is a log, flushed line by line, so that a
 * killed run still lists exactly the crops it wrote.
 */
public final class DatasetAligner {

  /** How a face becomes a crop. */
  public enum Alignment {
    /** facenet's: the box widened by the margin, clipped, resized ({@link FaceCropper}). */
    FACENET,
    /** insightface's: the five landmarks warped onto the ArcFace template ({@link SimilarityAligner}). */
    SIMILARITY
  }

  /**
   * align_dataset_mtcnn.py's options (facenet's defaults are 182 and 44; its published models used 160 and 32); the
   * margin applies to {@link Alignment#FACENET} only.
   */
  public record Options(int imageSize, int margin, boolean multipleFaces, int threads, Alignment alignment) {
    public Options(int imageSize, int margin, boolean multipleFaces, int threads) {
      this(imageSize, margin, multipleFaces, threads, Alignment.FACENET);
    }
  }

  /** What a run did. {@code aligned} counts crops written. */
  public record Summary(int images, int aligned, int skipped, List<Path> noFace, List<String> unreadable,
      Path boundingBoxes) {}

  private DatasetAligner() {}

  /**
   * The face facenet keeps when a photo has several: the largest box near the centre, argmax of
   * {@code area - 2 * squared distance of the box centre from the photo centre}.
   */
  public static int choose(List<Face> faces, int width, int height) {
    int best = 0;
    double bestValue = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < faces.size(); i++) {
      Face f = faces.get(i);
      double area = (f.x2() - f.x1()) * (f.y2() - f.y1());
      double dx = (f.x1() + f.x2()) / 2 - width / 2.0, dy = (f.y1() + f.y2()) / 2 - height / 2.0;
      double value = area - (dx * dx + dy * dy) * 2.0;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    return best;
  }

  /** The identity folders of {@code in} (sorted) and their photos (sorted), as facenet's get_dataset. */
  static List<List<Path>> dataset(Path in) throws IOException {
    List<List<Path>> classes = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(in)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> files = Files.list(dir)) {
          classes.add(files.filter(Files::isRegularFile).filter(PhotoFiles::isImage).sorted().toList());
        }
      }
    }
    return classes;
  }

  private static String stem(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  /** Aligns every photo below {@code in} into {@code out}; {@code log} sees one line a photo. */
  public static Summary align(Path in, Path out, FaceDetector detector, PhotoDecoder decoder, Options options,
      Consumer<String> log) throws IOException, InterruptedException {
    if (!Files.isDirectory(in)) throw new IllegalArgumentException(in + ": not a folder");
    if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException(out + ": not a folder");
    List<List<Path>> classes = dataset(in);
    Files.createDirectories(out);
    Path boxesFile = out.resolve(String.format(Locale.ROOT, "bounding_boxes_%05d.txt",
        ThreadLocalRandom.current().nextInt(100_000)));
    List<Path> noFace = Collections.synchronizedList(new ArrayList<>());
    List<String> unreadable = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger aligned = new AtomicInteger(), skipped = new AtomicInteger();
    int images = 0;
    try (FaceCropper cropper = options.alignment() == Alignment.FACENET ? new FaceCropper(options.imageSize()) : null;
        SimilarityAligner similarity = options.alignment() == Alignment.SIMILARITY
            ? new SimilarityAligner(options.imageSize()) : null;
        BufferedWriter boxes = Files.newBufferedWriter(boxesFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
      ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.threads()));
      try {
        List<Future<?>> tasks = new ArrayList<>();
        for (List<Path> photos : classes) {
          if (photos.isEmpty()) continue;
          Path classDir = out.resolve(photos.get(0).getParent().getFileName().toString());
          Files.createDirectories(classDir);
          for (Path photo : photos) {
            images++;
            Path target = classDir.resolve(stem(photo) + ".png");
            Path marker = options.multipleFaces() ? classDir.resolve(stem(photo) + "_0.png") : target;
            if (Files.exists(marker)) {
              skipped.incrementAndGet();
              continue;
            }
            tasks.add(pool.submit(() -> {
              List<String> lines = alignOne(photo, target, detector, decoder, cropper, similarity, options, aligned,
                  noFace, unreadable, log);
              synchronized (boxes) {
                try {
                  for (String line : lines) boxes.write(line + "\n");
                  boxes.flush();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
              return null;
            }));
          }
        }
        for (Future<?> t : tasks) {
          try {
            t.get();
          } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UncheckedIOException u) throw u.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new IOException(c);
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
    List<Path> none = new ArrayList<>(noFace);
    Collections.sort(none);
    List<String> bad = new ArrayList<>(unreadable);
    Collections.sort(bad);
    return new Summary(images, aligned.get(), skipped.get(), none, bad, boxesFile);
  }

  private static List<String> alignOne(Path photo, Path target, FaceDetector detector, PhotoDecoder decoder,
      FaceCropper cropper, SimilarityAligner similarity, Options options, AtomicInteger aligned, List<Path> noFace, List<String> unreadable,
      Consumer<String> log) throws IOException {
    PhotoDecoder.Decoded decoded;
    try {
      decoded = decoder.decode(photo);
    } catch (BadImageException e) {
      unreadable.add(e.getMessage());
      if (log != null) log.accept("unreadable: " + e.getMessage());
      return List.of();
    }
    RgbImage image = decoded.image();
    List<Face> faces = detector.detect(image);
    if (faces.isEmpty()) {
      noFace.add(photo);
      if (log != null) log.accept("no face: " + photo);
      return List.of(target.toString());
    }
    List<Face> chosen = options.multipleFaces() ? faces : List.of(faces.get(choose(faces, image.width(), image.height())));
    List<String> lines = new ArrayList<>();
    double s = decoded.scale();
    for (int i = 0; i < chosen.size(); i++) {
      Face face = chosen.get(i);
      FaceCropper.Crop c = similarity != null
          ? new FaceCropper.Crop((int) face.x1(), (int) face.y1(), (int) face.x2(), (int) face.y2())
          : FaceCropper.crop(face, options.margin() / s, image.width(), image.height());
      if (similarity == null && (c.x2() <= c.x1() || c.y2() <= c.y1())) continue;
      Path file = options.multipleFaces()
          ? target.resolveSibling(stem(target) + "_" + i + ".png") : target;
      byte[] png = similarity != null ? similarity.png(image, face) : cropper.png(image, c);
      AtomicFiles.write(file, o -> o.write(png));
      aligned.incrementAndGet();
      lines.add(String.format(Locale.ROOT, "%s %d %d %d %d", file, Math.round(c.x1() * s), Math.round(c.y1() * s),
          Math.round(c.x2() * s), Math.round(c.y2() * s)));
    }
    if (log != null) log.accept(photo + ": " + chosen.size() + " face" + (chosen.size() == 1 ? "" : "s"));
    return lines;
  }
}
