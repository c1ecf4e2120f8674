package org.facenet.embed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.facenet.data.BadImageException;
import org.facenet.data.TensorFlowImageDecoder;

/**
 * Embeds every image below a folder (recursively, in path order): decoding (TensorFlow's own kernels, see
 * {@link TensorFlowImageDecoder}) runs on a small thread pool while the model runs the previous batch; unreadable
 * images are reported, counted and skipped.
 */
public final class DirectoryEmbedder {

  /** The rows written and the files that could not be read. */
  public record Result(List<EmbeddingRow> rows, List<String> skipped) {}

  private final Embedder embedder;
  private final int batchSize;
  private final int threads;
  private java.util.function.LongConsumer progress = done -> {};

  public DirectoryEmbedder(Embedder embedder, int batchSize, int threads) {
    if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
    this.embedder = embedder;
    this.batchSize = batchSize;
    this.threads = Math.max(1, threads);
  }

  /** Calls {@code done} with the number of files handled (embedded or skipped) after each batch; returns this. */
  public DirectoryEmbedder onProgress(java.util.function.LongConsumer done) {
    this.progress = done;
    return this;
  }

  /** Image files (.jpg .jpeg .png, any case) below {@code dir}, sorted. */
  public static List<Path> listImages(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": not a folder");
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(org.facenet.data.ImageDataset::hasImageExtension).sorted().toList();
    }
  }

  /** Embeds {@code files}; the label of a row is its parent folder's name. */
  public Result embed(List<Path> files, Consumer<String> warnings) throws InterruptedException {
    int size = embedder.imageSize();
    int per = size * size * 3;
    List<EmbeddingRow> rows = new ArrayList<>(files.size());
    List<String> skipped = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "facenet-decode");
      t.setDaemon(true);
      return t;
    });
    try (TensorFlowImageDecoder decoder = new TensorFlowImageDecoder(size)) {
      List<Future<float[]>> pending = submit(pool, decoder, files, 0);
      for (int start = 0; start < files.size(); start += batchSize) {
        List<Future<float[]>> current = pending;
        int next = start + batchSize;
        pending = next < files.size() ? submit(pool, decoder, files, next) : List.of();
        float[] pixels = new float[current.size() * per];
        List<Path> ok = new ArrayList<>();
        for (int i = 0; i < current.size(); i++) {
          Path file = files.get(start + i);
          try {
            System.arraycopy(current.get(i).get(), 0, pixels, ok.size() * per, per);
            ok.add(file);
          } catch (ExecutionException e) {
            String why = e.getCause() instanceof BadImageException ? e.getCause().getMessage() : file + ": " + e.getCause();
            warnings.accept("skipped " + why);
            skipped.add(file.toString());
          }
        }
        if (ok.isEmpty()) {
          progress.accept(Math.min(next, files.size()));
          continue;
        }
        float[][] vectors = embedder.embed(pixels, ok.size());
        for (int i = 0; i < ok.size(); i++) {
          Path f = ok.get(i);
          String label = f.getParent() == null || f.getParent().getFileName() == null ? "" : f.getParent().getFileName().toString();
          rows.add(new EmbeddingRow(f.toString(), label, vectors[i]));
        }
        progress.accept(Math.min(next, files.size()));
      }
    } finally {
      pool.shutdownNow();
    }
    return new Result(rows, skipped);
  }

  private List<Future<float[]>> submit(ExecutorService pool, TensorFlowImageDecoder decoder, List<Path> files, int start) {
    List<Future<float[]>> futures = new ArrayList<>();
    for (int i = start; i < Math.min(files.size(), start + batchSize); i++) {
      Path f = files.get(i);
      futures.add(pool.submit(() -> decoder.decode(f)));
    }
    return futures;
  }
}
