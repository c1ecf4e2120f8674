package org.facenet.align;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.facenet.data.BadImageException;

/** Detection over many photo files, spread over threads, results in input order. */
public final class PhotoDetections {

  /** One photo's faces (in its original pixels), or the problem that kept it from being read. */
  public record Result(Path path, List<Face> faces, String error) {
    public boolean failed() {
      return error != null;
    }
  }

  private PhotoDetections() {}

  /** The faces of {@code photo} in the pixels of the original file (undoing the decoder's downscaling). */
  public static List<Face> detect(FaceDetector detector, PhotoDecoder.Decoded photo) {
    return detect(detector.detect(photo.image()), photo.scale());
  }

  /** {@code faces} found in a photo decoded at 1 / {@code s} of its size, in the original's pixels. */
  static List<Face> detect(List<Face> faces, double s) {
    if (s == 1.0) return faces;
    List<Face> out = new ArrayList<>();
    for (Face f : faces) {
      double[] lx = f.landmarkX().clone(), ly = f.landmarkY().clone();
      for (int i = 0; i < 5; i++) {
        lx[i] *= s;
        ly[i] *= s;
      }
      out.add(new Face(f.x1() * s, f.y1() * s, f.x2() * s, f.y2() * s, f.score(), lx, ly));
    }
    return out;
  }

  /** Detects faces in every file with {@code threads} threads; {@code progress} sees each result as it completes. */
  public static List<Result> run(FaceDetector detector, PhotoDecoder decoder, List<Path> files, int threads,
      Consumer<Result> progress) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<Result>> futures = new ArrayList<>();
      for (Path file : files) {
        futures.add(pool.submit(() -> {
          Result r;
          try {
            r = new Result(file, detect(detector, decoder.decode(file)), null);
          } catch (BadImageException e) {
            r = new Result(file, List.of(), e.getMessage());
          }
          if (progress != null) progress.accept(r);
          return r;
        }));
      }
      List<Result> results = new ArrayList<>();
      for (Future<Result> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof RuntimeException re) throw re;
          if (c instanceof Error er) throw er;
          throw new IllegalStateException(c);
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
