package org.facenet.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.facenet.io.TextFiles;
import org.facenet.nn.ModelSpec;

/**
 * The small JSON file written inside every exported SavedModel ({@value #FILE_NAME}): backbone, image size,
 * preprocessing, embedding size, data set and steps, so a user of the SavedModel knows what it expects.
 */
public final class ModelMetadata {

  public static final String FILE_NAME = "facenet-metadata.json";

  private final Map<String, Object> fields = new LinkedHashMap<>();

  public ModelMetadata(ModelSpec spec) {
    fields.put("format", "facenet-java SavedModel");
    fields.put("signature", "serving_default");
    fields.put("input", "images: float32 [-1, " + spec.imageSize() + ", " + spec.imageSize() + ", 3], raw RGB 0..255");
    fields.put("output", "embeddings: float32 [-1, " + spec.embeddingSize() + "], L2-normalised");
    fields.put("backbone", spec.backbone());
    fields.put("image_size", spec.imageSize());
    fields.put("embedding_size", spec.embeddingSize());
    fields.put("width", spec.config().width());
    fields.put("depth", spec.config().depth());
    fields.put("standardization", spec.standardization().describe());
  }

  public ModelMetadata put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  public void write(Path file) throws IOException {
    TextFiles.write(file, toJson());
  }

  String toJson() {
    StringBuilder sb = new StringBuilder("{\n");
    int i = 0;
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      sb.append("  ").append(quote(e.getKey())).append(": ");
      appendValue(sb, e.getValue(), "  ");
      sb.append(++i < fields.size() ? ",\n" : "\n");
    }
    return sb.append("}\n").toString();
  }

  /** A number, a string, or a map of them (a nested JSON object, e.g. an imported model's source). */
  private static void appendValue(StringBuilder sb, Object v, String indent) {
    if (v instanceof Number n) {
      sb.append(n instanceof Float || n instanceof Double ? String.format(Locale.ROOT, "%s", n) : n.toString());
    } else if (v instanceof Map<?, ?> m) {
      sb.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(indent).append("  ").append(quote(String.valueOf(e.getKey()))).append(": ");
        appendValue(sb, e.getValue(), indent + "  ");
        sb.append(++i < m.size() ? ",\n" : "\n");
      }
      sb.append(indent).append('}');
    } else {
      sb.append(quote(String.valueOf(v)));
    }
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }
}
