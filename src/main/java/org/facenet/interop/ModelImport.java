package org.facenet.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.facenet.export.ModelExporter;
import org.facenet.export.ModelMetadata;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;

/**
 * {@code facenet import}: another program's published model becomes this project's SavedModel (the export path of
 * every trained model: batch norm folded, raw RGB 0..255 in, L2-normalised embeddings out), with
 * facenet-metadata.json saying where it came from and what it expects. Everything is read and checked before
 * anything is written; the SavedModel appears whole or not at all.
 */
public final class ModelImport {

  /** What to import and how. {@code embeddingSize} null: the source's own. */
  public record Options(int imageSize, Integer embeddingSize, Standardization standardization) {
    public static Options facenetDefaults() {
      return new Options(FacenetModels.IMAGE_SIZE, null, Standardization.FIXED);
    }
  }

  /** What was imported. */
  public record Result(ModelSpec spec, String kind, int tensors, long parameters, double seconds) {}

  private ModelImport() {}

  /** Imports the facenet model at {@code source} into the SavedModel folder {@code out}. */
  public static Result facenet(Path source, Path out, Options options) throws IOException {
    long t0 = System.nanoTime();
    if (OnnxTensors.isOnnx(source)) {
      throw new IllegalArgumentException(source + ": an insightface ONNX file, not a facenet model (import it with "
          + "ModelImport.insightface)");
    }
    checkOutput(out);
    TensorSource src = FacenetModels.open(source);
    ModelSpec spec = FacenetModels.spec(src, options.imageSize(), options.embeddingSize(), options.standardization());
    ModelLayout layout = ModelLayout.of(spec);
    Map<String, float[]> values = layout.values(src.read(layout.paths()), src.file().toString());
    ModelMetadata metadata = new ModelMetadata(spec)
        .put("source", source(src, "facenet " + src.kind().replace('-', ' ')))
        .put("alignment", FacenetModels.ALIGNMENT);
    ModelExporter.export(spec, values, out, metadata);
    long parameters = values.values().stream().mapToLong(v -> v.length).sum();
    return new Result(spec, src.kind(), values.size(), parameters, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Imports the insightface ArcFace ONNX file {@code source} (an iresnet, {@link OnnxTensors}) into the SavedModel
   * folder {@code out}: depth, width, embedding size and input size from the file; {@code embeddingSize} (null: the
   * file's) is checked against it; {@code standardization} null is ArcFace's {@code (x - 127.5) / 127.5}.
   */
  public static Result insightface(Path source, Path out, Integer embeddingSize, Standardization standardization)
      throws IOException {
    long t0 = System.nanoTime();
    checkOutput(out);
    OnnxTensors src = OnnxTensors.open(source, embeddingSize,
        standardization != null ? standardization : Standardization.ARCFACE);
    ModelSpec spec = src.spec();
    ModelLayout layout = ModelLayout.of(spec);
    Map<String, float[]> values = layout.values(src.read(layout.paths()), src.file().toString());
    ModelMetadata metadata = new ModelMetadata(spec)
        .put("source", source(src, "insightface onnx"))
        .put("alignment", OnnxTensors.ALIGNMENT);
    ModelExporter.export(spec, values, out, metadata);
    long parameters = values.values().stream().mapToLong(v -> v.length).sum();
    return new Result(spec, src.kind(), values.size(), parameters, (System.nanoTime() - t0) / 1e9);
  }

  /** --out must not exist, or be an empty folder: an import never replaces anything. */
  static void checkOutput(Path out) throws IOException {
    if (!Files.exists(out)) return;
    if (!Files.isDirectory(out)) throw new IllegalArgumentException(out + ": exists and is a file; choose another --out");
    try (Stream<Path> s = Files.list(out)) {
      if (s.findAny().isPresent()) {
        throw new IllegalArgumentException(out + ": exists and is not empty; nothing was written (choose another --out)");
      }
    }
  }

  private static Map<String, Object> source(TensorSource src, String kind) throws IOException {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("kind", kind);
    s.put("file", src.file().getFileName().toString());
    Map<String, Object> sums = new LinkedHashMap<>();
    for (Path f : src.files()) sums.put(f.getFileName().toString(), Sha256.of(f));
    s.put("sha256", sums);
    return s;
  }
}
