package org.facenet.embed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The one rule for a {@code --model} path: a SavedModel folder (it holds {@code saved_model.pb}) is used as given; a
 * training run folder with an exported {@code saved_model/} inside stands for that model (said through the notes);
 * anything else is a clear error: a path that does not exist, a file, a run folder without an export, or a folder that
 * is not a SavedModel.
 */
public final class ModelPath {

  /** The file TensorFlow's SavedModel loader reads. */
  static final String PROTO = "saved_model.pb";

  /** The folder facenet-train exports the model to inside a run folder. */
  public static final String RUN_EXPORT = "saved_model";

  private ModelPath() {}

  /** The SavedModel folder {@code path} stands for; {@code notes} hears when a run folder was taken for its export. */
  public static Path resolve(Path path, Consumer<String> notes) {
    if (!Files.exists(path)) {
      throw new IllegalArgumentException(path + ": no such file or folder; --model expects a SavedModel folder such as "
          + "RUN/" + RUN_EXPORT);
    }
    if (!Files.isDirectory(path)) {
      throw new IllegalArgumentException(path + ": a file, not a SavedModel folder; --model expects a folder such as RUN/"
          + RUN_EXPORT + (path.getFileName().toString().equals(PROTO) && path.getParent() != null
              ? " (did you mean " + path.getParent() + "?)" : ""));
    }
    if (Files.isRegularFile(path.resolve(PROTO))) return path;
    Path inner = path.resolve(RUN_EXPORT);
    if (Files.isRegularFile(inner.resolve(PROTO))) {
      notes.accept(path + " is a run folder: using its exported model " + inner);
      return inner;
    }
    if (Files.isDirectory(inner)) {
      throw new IllegalArgumentException(path + ": not a SavedModel, and " + inner + " holds no " + PROTO
          + " (an export cut short?); did you mean a finished run's " + RUN_EXPORT + "/?");
    }
    if (Files.isDirectory(path.resolve("checkpoints")) || Files.isRegularFile(path.resolve("run.properties"))) {
      throw new IllegalArgumentException(path + ": a training run folder without an exported model (no " + inner
          + "; trained with --no-export?)");
    }
    throw new IllegalArgumentException(path + ": not a SavedModel (no " + PROTO + "); pass the folder facenet-train "
        + "exported, RUN/" + RUN_EXPORT);
  }
}
