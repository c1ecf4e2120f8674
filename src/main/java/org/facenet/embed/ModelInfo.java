package org.facenet.embed;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.facenet.io.TextFiles;

/**
 * What a SavedModel's {@code facenet-metadata.json} (written by the exporter and by {@code facenet import}) says the
 * model expects: input size, standardisation (done inside the graph, so this is what the graph does, for the user to
 * see) and the alignment of its face crops ({@value #FACENET} or {@value #SIMILARITY}, the names of
 * {@code org.facenet.align.DatasetAligner.Alignment}). The serving signature's input size is authoritative; the
 * metadata's is used only where the signature leaves it open. A missing or unreadable file is not an error: the
 * defaults are used and {@link #problem()} says why.
 */
public record ModelInfo(int imageSize, String standardization, String alignment, String alignmentText, String source,
    Optional<String> problem) {

  public static final String FILE_NAME = org.facenet.export.ModelMetadata.FILE_NAME;
  /** facenet's alignment: the MTCNN box plus a margin, cropped and resized (align_dataset_mtcnn.py). */
  public static final String FACENET = "facenet";
  /** insightface's alignment: the five landmarks' similarity warp onto the ArcFace template. */
  public static final String SIMILARITY = "similarity";

  /** The alignment used when the metadata names none. */
  public static final String DEFAULT_ALIGNMENT = FACENET;

  /**
   * Reads {@code dir}/{@value #FILE_NAME}; {@code signatureSize} is the serving signature's input side (-1 or 0 if
   * the signature leaves it open).
   */
  public static ModelInfo read(Path dir, int signatureSize) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return defaults(signatureSize, file + " is missing");
    }
    JsonObject json;
    try {
      JsonElement parsed = JsonParser.parseString(TextFiles.read(file));
      if (!parsed.isJsonObject()) return defaults(signatureSize, file + " is unreadable: not a JSON object");
      json = parsed.getAsJsonObject();
    } catch (IOException | RuntimeException e) {
      return defaults(signatureSize, file + " is unreadable (" + e.getMessage() + ")");
    }
    Integer metaSize = integer(json, "image_size");
    String problem = null;
    int size = signatureSize;
    if (signatureSize <= 0) {
      if (metaSize == null) {
        throw new IllegalArgumentException(dir + ": the serving signature does not fix the input size and " + file
            + " gives no image_size");
      }
      size = metaSize;
    } else if (metaSize != null && metaSize != signatureSize) {
      problem = file + " says image_size " + metaSize + " but the serving signature takes " + signatureSize
          + " px: using the signature's";
    }
    String standardization = text(json, "standardization");
    String alignmentText = text(json, "alignment");
    String alignment = alignmentName(alignmentText);
    if (alignmentText != null && alignment == null) {
      problem = (problem == null ? "" : problem + "; ") + file + ": alignment '" + alignmentText
          + "' is neither " + FACENET + " nor " + SIMILARITY + ": using " + DEFAULT_ALIGNMENT;
    }
    String src = FILE_NAME;
    if (json.has("source") && json.get("source").isJsonObject()) {
      JsonObject s = json.getAsJsonObject("source");
      String kind = text(s, "kind");
      String name = text(s, "file");
      if (kind != null) src = FILE_NAME + ", imported from " + kind + (name != null ? " " + name : "");
    }
    return new ModelInfo(size, standardization != null ? standardization : "not recorded",
        alignment != null ? alignment : DEFAULT_ALIGNMENT, alignmentText, src, Optional.ofNullable(problem));
  }

  private static ModelInfo defaults(int signatureSize, String why) {
    if (signatureSize <= 0) {
      throw new IllegalArgumentException(why + ", and the serving signature does not fix the input size");
    }
    return new ModelInfo(signatureSize, "unknown (whatever the graph does)", DEFAULT_ALIGNMENT, null, "defaults",
        Optional.of(why + ": using the defaults (input size " + signatureSize + " from the serving signature, alignment "
            + DEFAULT_ALIGNMENT + ")"));
  }

  /**
   * The alignment an {@code alignment} field names: {@value #FACENET} or {@value #SIMILARITY} as a word of its own at
   * its start ("similarity", "similarity: five landmarks ..."), or facenet's description written by earlier imports
   * ("MTCNN face box plus a margin, ..."); null if it names neither.
   */
  static String alignmentName(String field) {
    if (field == null) return null;
    String s = field.trim().toLowerCase(Locale.ROOT);
    for (String name : new String[] {FACENET, SIMILARITY}) {
      if (s.equals(name) || s.startsWith(name + ":") || s.startsWith(name + " ") || s.startsWith(name + ",")) return name;
    }
    if (s.startsWith("mtcnn face box plus a margin")) return FACENET;
    return null;
  }

  /** The one line facenet-embed and facenet-verify print: what the model takes and where that came from. */
  public String describe(boolean withAlignment) {
    return "model input " + imageSize + " x " + imageSize + " RGB 0..255, standardisation " + standardization
        + (withAlignment ? ", alignment " + alignment + (alignmentText == null ? " (the default: no alignment recorded)"
            : !alignmentText.equals(alignment) ? " (" + detail(alignmentText) + ")" : "") : "") + " [" + source + "]";
  }

  /** An alignment field without its leading name ("similarity: the five ..." -> "the five ..."). */
  private static String detail(String alignmentText) {
    String s = alignmentText.trim();
    for (String name : new String[] {FACENET, SIMILARITY}) {
      if (s.toLowerCase(Locale.ROOT).startsWith(name + ":")) return s.substring(name.length() + 1).trim();
    }
    return s;
  }

  private static String text(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
  }

  private static Integer integer(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) return null;
    return e.getAsInt();
  }
}
