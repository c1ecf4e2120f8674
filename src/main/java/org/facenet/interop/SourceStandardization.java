package org.facenet.interop;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.facenet.export.ModelMetadata;
import org.facenet.io.TextFiles;
import org.facenet.nn.Standardization;

/**
 * The input standardisation a pretrained model declares, so that fine-tuning feeds it what it was trained on: an
 * insightface ONNX file is {@link Standardization#ARCFACE}; this project's SavedModel (an import or an export) says
 * it in its {@value ModelMetadata#FILE_NAME}; a run folder or one of its checkpoints in its run.properties. facenet's
 * checkpoints and frozen graphs do not record it (2018 models: fixed, 2017: per-image): empty.
 */
public final class SourceStandardization {

  private SourceStandardization() {}

  /** The declared standardisation and where it was read, or empty if {@code source} does not say. */
  public record Declared(Standardization standardization, String from) {}

  public static Optional<Declared> of(Path source) throws IOException {
    if (Files.isRegularFile(source) && OnnxTensors.isOnnx(source)) {
      return Optional.of(new Declared(Standardization.ARCFACE, source + " (insightface ONNX)"));
    }
    if (!Files.isDirectory(source)) return Optional.empty();
    if (Files.isRegularFile(source.resolve("saved_model.pb"))) return fromMetadata(source.resolve(ModelMetadata.FILE_NAME));
    Path run = Files.isRegularFile(source.resolve("run.properties")) ? source
        : source.getParent() != null && source.getParent().getParent() != null
            && Files.isRegularFile(source.getParent().getParent().resolve("run.properties"))
            ? source.getParent().getParent() : null;
    if (run == null) return Optional.empty();
    Properties p = new Properties();
    try (var in = TextFiles.reader(run.resolve("run.properties"))) {
      p.load(in);
    }
    String value = p.getProperty("standardization");
    if (value == null) return Optional.empty();
    try {
      return Optional.of(new Declared(Standardization.valueOf(value.trim()), run.resolve("run.properties").toString()));
    } catch (IllegalArgumentException e) {
      throw new IOException(run.resolve("run.properties") + ": unknown standardization '" + value + "'");
    }
  }

  private static Optional<Declared> fromMetadata(Path file) throws IOException {
    if (!Files.isRegularFile(file)) return Optional.empty();
    JsonElement json;
    try {
      json = JsonParser.parseString(TextFiles.read(file));
    } catch (RuntimeException e) {
      throw new IOException(file + ": not JSON (" + e.getMessage() + ")");
    }
    if (!json.isJsonObject()) throw new IOException(file + ": not a JSON object");
    JsonObject o = json.getAsJsonObject();
    if (!o.has("standardization") || !o.get("standardization").isJsonPrimitive()) return Optional.empty();
    String text = o.get("standardization").getAsString();
    Standardization s = Standardization.described(text)
        .orElseThrow(() -> new IOException(file + ": unknown standardization '" + text + "'"));
    return Optional.of(new Declared(s, file.toString()));
  }
}
