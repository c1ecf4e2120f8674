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

  static int run(Path dir, Path model, Path out, PrecisionOption precision, boolean allFaces,
      DatasetAligner.Alignment alignment) throws Exception {
    List<Path> files = PhotoFiles.list(List.of(dir));
    if (files.isEmpty()) throw new IllegalArgumentException(dir + ": no image files below this folder");
    try (Embedder embedder = precision.load(model); FaceDetector detector = new FaceDetector();
        PhotoDecoder decoder = new PhotoDecoder(25_000_000)) {
      PhotoEmbedder.Result r = PhotoEmbedder.embed(embedder, detector, decoder, files, allFaces, alignment,
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
