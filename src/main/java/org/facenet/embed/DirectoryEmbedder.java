package org.facenet.embed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.facenet.data.BadImageException;
import org.facenet.data.TensorFlowImageDecoder;

/**
 * Embeds every image below a folder (recursively, in path order): decoding (TensorFlow's own kernels, see
 * {@link TensorFlowImageDecoder}) runs on a small thread pool while the model runs the previous batch; unreadable
 * images are reported, counted and skipped. Each batch's rows go to a {@link BatchSink} as soon as the model has run
 * it (facenet-embed streams them into the CSV), so memory stays flat in the number of images.
 */
public final class DirectoryEmbedder {

  /** The rows written and the files that could not be read. */
  public record Result(List<EmbeddingRow> rows, List<String> skipped) {}

  /** How many images were embedded and the files that could not be read. */
  public record Counts(int embedded, List<String> skipped) {}

  /** Receives each batch's rows, in path order, as soon as the batch is embedded. */
  @FunctionalInterface
  public interface BatchSink {
    void accept(List<EmbeddingRow> batch) throws IOException;
  }

  private final Embedder embedder;
  private final int batchSize;
  private final int threads;
  private final long maxImagePixels;
  private java.util.function.LongConsumer progress = done -> {};

  public DirectoryEmbedder(Embedder embedder, int batchSize, int threads) {
    this(embedder, batchSize, threads, org.facenet.data.ImageHeader.DEFAULT_MAX_PIXELS);
  }

  /** An embedder that skips images of more than {@code maxImagePixels} pixels ({@code --max-image-pixels}). */
  public DirectoryEmbedder(Embedder embedder, int batchSize, int threads, long maxImagePixels) {
    this.maxImagePixels = maxImagePixels;
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

  /** Image files (.jpg .jpeg .png, any case) below {@code dir}, sorted; hidden files and folders are skipped, as in training. */
  public static List<Path> listImages(Path dir) throws IOException {
    return org.facenet.data.ImageFiles.listRecursively(dir);
  }

  /** Embeds {@code files} and returns every row; the label of a row is its parent folder's name. */
  public Result embed(List<Path> files, Consumer<String> warnings) throws InterruptedException {
    List<EmbeddingRow> rows = new ArrayList<>(files.size());
    try {
      Counts c = embed(files, warnings, rows::addAll);
      return new Result(rows, c.skipped());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Embeds {@code files}, handing each batch's rows to {@code sink} as soon as it is embedded (an exception from the
   * sink stops the run); the label of a row is its parent folder's name.
   */
  public Counts embed(List<Path> files, Consumer<String> warnings, BatchSink sink) throws InterruptedException, IOException {
    int size = embedder.imageSize();
    int per = size * size * 3;
    int embedded = 0;
    List<String> skipped = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "facenet-decode");
      t.setDaemon(true);
      return t;
    });
    try (TensorFlowImageDecoder decoder = new TensorFlowImageDecoder(size, maxImagePixels)) {
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
            if (e.getCause() instanceof Error error) throw error; // out of memory is not a bad image
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
        List<EmbeddingRow> batch = new ArrayList<>(ok.size());
        for (int i = 0; i < ok.size(); i++) {
          Path f = ok.get(i);
          String label = f.getParent() == null || f.getParent().getFileName() == null ? "" : f.getParent().getFileName().toString();
          batch.add(new EmbeddingRow(f.toString(), label, vectors[i]));
        }
        sink.accept(batch);
        embedded += batch.size();
        progress.accept(Math.min(next, files.size()));
      }
    } finally {
      pool.shutdownNow();
    }
    return new Counts(embedded, skipped);
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
