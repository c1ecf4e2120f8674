package org.facenet.align;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.facenet.data.BadImageException;
import org.facenet.embed.Embedder;
import org.facenet.io.AtomicFiles;

/**
 * Raw photos to embeddings ({@code facenet-embed DIR --model M --align}): each photo decoded, its faces detected,
 * the face facenet's align_dataset_mtcnn.py would keep (or every face) aligned at the model's input size, facenet's
 * way (margin 32 px at 160, scaled and rounded) or insightface's similarity warp, and embedded; one row a face with its box.
 */
public final class PhotoEmbedder {

  /** One embedded face: the photo, the face's number (highest score first), its box and score, the embedding. */
  public record Row(Path path, int face, Face box, float[] embedding) {}

  /** The rows, and the photos that had no face or could not be read. */
  public record Result(List<Row> rows, List<Path> noFace, List<String> unreadable) {}

  private PhotoEmbedder() {}

  public static Result embed(Embedder embedder, FaceDetector detector, PhotoDecoder decoder, List<Path> files,
      boolean allFaces, DatasetAligner.Alignment alignment, Consumer<String> warn) {
    int size = embedder.imageSize();
    double margin = Math.round(32.0 * size / 160); // facenet's 32 px at 160, an integer as its --margin
    List<Row> rows = new ArrayList<>();
    List<Path> noFace = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    try (FaceCropper cropper = alignment == DatasetAligner.Alignment.FACENET ? new FaceCropper(size) : null;
        SimilarityAligner similarity = alignment == DatasetAligner.Alignment.SIMILARITY
            ? new SimilarityAligner(size) : null) {
      for (Path file : files) {
        PhotoDecoder.Decoded decoded;
        try {
          decoded = decoder.decode(file);
        } catch (BadImageException e) {
          unreadable.add(e.getMessage());
          if (warn != null) warn.accept(e.getMessage());
          continue;
        }
        RgbImage image = decoded.image();
        List<Face> faces = detector.detect(image);
        if (faces.isEmpty()) {
          noFace.add(file);
          if (warn != null) warn.accept(file + ": no face");
          continue;
        }
        List<Integer> chosen = new ArrayList<>();
        if (allFaces) {
          for (int i = 0; i < faces.size(); i++) chosen.add(i);
        } else {
          chosen.add(DatasetAligner.choose(faces, image.width(), image.height()));
        }
        float[] pixels = new float[chosen.size() * size * size * 3];
        for (int k = 0; k < chosen.size(); k++) {
          Face f = faces.get(chosen.get(k));
          RgbImage crop = similarity != null ? similarity.align(image, f)
              : cropper.resize(image, FaceCropper.crop(f, margin / decoded.scale(), image.width(), image.height()));
          for (int i = 0; i < crop.rgb().length; i++) pixels[k * size * size * 3 + i] = crop.rgb()[i] & 0xFF;
        }
        float[][] embeddings = embedder.embed(pixels, chosen.size());
        List<Face> original = PhotoDetections.detect(faces, decoded.scale());
        for (int k = 0; k < chosen.size(); k++) {
          rows.add(new Row(file, chosen.get(k), original.get(chosen.get(k)), embeddings[k]));
        }
      }
    }
    return new Result(rows, noFace, unreadable);
  }

  /** {@code path,face,x1,y1,x2,y2,score,e0..e{D-1}}, UTF-8, written whole or not at all. */
  public static void write(Path out, List<Row> rows) throws IOException {
    int d = rows.isEmpty() ? 0 : rows.get(0).embedding().length;
    List<String> header = new ArrayList<>(List.of("path", "face", "x1", "y1", "x2", "y2", "score"));
    for (int i = 0; i < d; i++) header.add("e" + i);
    AtomicFiles.write(out, stream -> {
      Writer w = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
      CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n')
          .setHeader(header.toArray(String[]::new)).build());
      for (Row r : rows) {
        List<Object> row = new ArrayList<>(List.of(r.path().toString(), r.face(), fmt(r.box().x1()), fmt(r.box().y1()),
            fmt(r.box().x2()), fmt(r.box().y2()), String.format(Locale.ROOT, "%.6f", r.box().score())));
        for (float v : r.embedding()) row.add(Float.toString(v));
        csv.printRecord(row);
      }
      csv.flush();
    });
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
