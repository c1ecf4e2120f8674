package org.facenet.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.facenet.nn.ModelSpec;

/**
 * TensorFlow Serving's model layout: {@code BASE/NAME/<version>/}, one SavedModel per numeric version folder, the
 * newest highest, which {@code tensorflow_model_server --model_name=NAME --model_base_path=BASE/NAME} watches and
 * serves (the highest version by default). Each export here writes the next version, one above the highest
 * numeric folder already there (1 for a new model); other folders and files are left as they are (the server
 * ignores folders whose name is not a number, such as the temporary one a version is built in before its rename).
 * A serving export carries both signatures, {@code serving_default} and {@code embed_image_bytes}.
 */
public final class ServingLayout {

  private ServingLayout() {}

  /**
   * Checks that {@code modelDir} (BASE/NAME) can take a new version: absent, or a directory. Runs before anything
   * is written.
   */
  public static void check(Path modelDir) {
    if (Files.exists(modelDir) && !Files.isDirectory(modelDir)) {
      throw new IllegalArgumentException(modelDir + ": --serving-dir must be a directory (BASE/NAME), not a file");
    }
  }

  /** The version the next export writes into {@code modelDir}: the highest numeric folder name + 1, else 1. */
  public static long nextVersion(Path modelDir) throws IOException {
    if (!Files.isDirectory(modelDir)) return 1;
    long highest = 0;
    try (Stream<Path> entries = Files.list(modelDir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        String name = p.getFileName().toString();
        if (Files.isDirectory(p) && name.matches("[0-9]{1,18}")) highest = Math.max(highest, Long.parseLong(name));
      }
    }
    return highest + 1;
  }

  /**
   * Exports the checkpoint as the next version of {@code modelDir} with both signatures; returns the version's
   * folder.
   */
  public static Path export(ModelSpec spec, Path checkpointPrefix, Path modelDir, ModelMetadata metadata)
      throws IOException {
    check(modelDir);
    long version = nextVersion(modelDir);
    Path target = modelDir.resolve(Long.toString(version));
    ModelExporter.export(spec, checkpointPrefix, target, metadata.put("serving_version", version),
        org.facenet.io.AtomicFiles.Existing.REFUSE, true);
    return target;
  }
}
