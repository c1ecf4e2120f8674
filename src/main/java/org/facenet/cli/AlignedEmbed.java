package org.facenet.cli;

import java.nio.file.Path;
import java.util.List;
import org.facenet.align.DatasetAligner;
import org.facenet.align.FaceDetector;
import org.facenet.align.PhotoDecoder;
import org.facenet.align.PhotoEmbedder;
import org.facenet.align.PhotoFiles;
import org.facenet.embed.Embedder;

/** {@code facenet-embed DIR --model M --align}: EmbedCommand's path for raw photos (org.facenet.align.PhotoEmbedder). */
final class AlignedEmbed {

  private AlignedEmbed() {}

  /**
   * {@code --alignment} if given (said, with the model's when they differ), else the model's from its metadata
   * ({@link org.facenet.embed.ModelInfo#alignment()}, facenet if it names none); printed with the crop size.
   */
  static DatasetAligner.Alignment alignment(Embedder embedder, DatasetAligner.Alignment given) {
    String fromModel = embedder.info().alignment();
    DatasetAligner.Alignment model = DatasetAligner.Alignment.valueOf(fromModel.toUpperCase(java.util.Locale.ROOT));
    DatasetAligner.Alignment chosen = given != null ? given : model;
    int size = embedder.imageSize();
    String how = chosen == DatasetAligner.Alignment.FACENET
        ? "facenet (MTCNN box plus a " + Math.round(32.0 * size / 160) + " px margin, cropped, resized to " + size + " x " + size + ")"
        : "similarity (five-landmark warp onto the ArcFace template at " + size + " x " + size + ")";
    System.err.println("alignment: " + how + (given == null ? ", from the model's metadata"
        : ", from --alignment" + (given != model ? " (the model's metadata says " + fromModel + ")" : "")));
    return chosen;
  }

  static int run(Path dir, Path model, Path out, PrecisionOption precision, boolean allFaces,
      DatasetAligner.Alignment alignment) throws Exception {
    List<Path> files = PhotoFiles.list(List.of(dir));
    if (files.isEmpty()) throw new IllegalArgumentException(dir + ": no image files below this folder");
    try (Embedder embedder = precision.load(model); FaceDetector detector = new FaceDetector();
        PhotoDecoder decoder = new PhotoDecoder(25_000_000)) {
      DatasetAligner.Alignment chosen = alignment(embedder, alignment);
      PhotoEmbedder.Result r = PhotoEmbedder.embed(embedder, detector, decoder, files, allFaces, chosen,
          msg -> System.err.println("warning: " + msg));
      if (r.rows().isEmpty()) {
        System.err.printf("error: no face embedded in %d photo(s); nothing written%n", files.size());
        return 1;
      }
      PhotoEmbedder.write(out, r.rows());
      System.out.printf("embedded %d face(s) of %d photo(s); %d without a face, %d unreadable; %d-D -> %s%n",
          r.rows().size(), files.size(), r.noFace().size(), r.unreadable().size(), embedder.embeddingSize(), out);
      return 0;
    }
  }
}
