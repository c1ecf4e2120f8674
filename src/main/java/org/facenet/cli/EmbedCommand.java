package org.facenet.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.facenet.embed.DirectoryEmbedder;
import org.facenet.embed.Embedder;
import org.facenet.embed.EmbeddingsCsv;
import org.facenet.io.AtomicFiles;
import org.facenet.progress.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code facenet embed DIR --model MODEL}: one CSV row of embedding per image. */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Embed every image below DIR (recursively) with an exported SavedModel and write a CSV "
        + "'path,label,e0..e{D-1}' (label: the parent folder's name).",
        "Unreadable images are skipped, listed on stderr and counted; the exit code is non-zero only if "
            + "nothing could be embedded."})
final class EmbedCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "Folder of images (.jpg .jpeg .png, any case; hidden files and folders, "
      + "named .*, are skipped, as in training).")
  Path dir;

  @Option(names = "--model", paramLabel = "MODEL_DIR", required = true,
      description = "SavedModel folder written by facenet-train (RUN/saved_model; a run folder RUN stands for it).")
  Path model;

  @Option(names = "--out", paramLabel = "CSV", defaultValue = "embeddings.csv",
      description = "Output CSV, written whole or not at all: rows stream into a hidden temporary file beside it as "
          + "batches finish, renamed to CSV at the end (default: ${DEFAULT-VALUE}).")
  Path out;

  @Range(min = 1)
  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
      description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Range(min = 1)
  @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
      description = "Image decoding threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Mixin
  PrecisionOption precision;

  @Mixin
  ImageLimitOption imageLimit;

  @Option(names = "--align", description = "Raw photos: detect faces with MTCNN and align each before embedding; rows "
      + "path,face,x1,y1,x2,y2,score,e0..; the face facenet's align would keep, or --all-faces (default: off).")
  boolean align;

  @Option(names = "--all-faces", description = "With --align: a row for every face (default: off).")
  boolean allFaces;

  @Option(names = "--alignment", paramLabel = "KIND",
      description = "With --align: facenet (MTCNN box plus margin, crop, resize) or similarity (insightface's ArcFace "
          + "five-landmark warp), overriding the model's (default: the 'alignment' of the model's facenet-metadata.json; "
          + "facenet if it names none).")
  org.facenet.align.DatasetAligner.Alignment alignment;

  @Override
  public Integer call() throws Exception {
    if (align) return AlignedEmbed.run(dir, model, out, precision, allFaces, alignment);
    List<Path> files = DirectoryEmbedder.listImages(dir);
    if (files.isEmpty()) throw new IllegalArgumentException(dir + ": no .jpg, .jpeg or .png images below this folder");
    try (Embedder embedder = precision.load(model)) {
      // One untimed batch first: TensorFlow optimises the graph on its first run and sizes its buffers on the first
      // batch of a shape, which is not throughput (the Python peers in tools/bench warm up the same way).
      int warm = Math.min(batchSize, files.size());
      embedder.embed(new float[warm * embedder.imageSize() * embedder.imageSize() * 3], warm);
      long t0 = System.nanoTime();
      for (Path left : EmbeddingsCsv.leftTemporaries(out)) {
        System.err.println("warning: " + left + " was left by an interrupted run (or another run is writing it); delete it");
      }
      Progress progress = Progress.onStdout("embedding", files.size(), "img");
      DirectoryEmbedder.Counts[] result = new DirectoryEmbedder.Counts[1];
      try {
        // Rows stream into the temporary file batch by batch; it becomes --out only if the whole run succeeds.
        AtomicFiles.write(out, stream -> {
          EmbeddingsCsv.Writer csv = new EmbeddingsCsv.Writer(stream, embedder.embeddingSize());
          try {
            result[0] = new DirectoryEmbedder(embedder, batchSize, threads, imageLimit.get())
                .onProgress(progress::update)
                .embed(files, msg -> progress.message(System.err, "warning: " + msg), csv::write);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
          }
          progress.finish();
          if (result[0].embedded() == 0) throw new NothingEmbedded();
          csv.flush();
        });
      } catch (NothingEmbedded e) {
        System.err.printf("error: none of the %d image(s) could be read; nothing written%n", files.size());
        return 1;
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("embedded %d image(s) in %.1f s (%.1f images/s), skipped %d unreadable; %d-D embeddings -> %s%n",
          result[0].embedded(), seconds, result[0].embedded() / seconds, result[0].skipped().size(),
          embedder.embeddingSize(), out);
      return 0;
    }
  }

  /** Nothing could be embedded: the temporary file is dropped and no CSV written. */
  /** Thrown out of the writer (unchecked, so AtomicFiles passes it through as it is) when no image could be read. */
  private static final class NothingEmbedded extends RuntimeException {}
}
