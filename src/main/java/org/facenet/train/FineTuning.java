package org.facenet.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.facenet.interop.PretrainedWeights;
import org.facenet.io.AtomicFiles;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.VariableStore;
import org.tensorflow.Session;

/**
 * Fine-tuning settings of a run (facenet's {@code --pretrained_model} and slim's trainable scopes), kept beside
 * run.properties in {@value #FILE_NAME} so that a resumed run trains the same variables.
 *
 * @param pretrainedModel weights to start from (see {@link PretrainedWeights#open}), or null
 * @param trainScopes     only trainable variables under these scopes are trained (empty: all); a scope matches a
 *                        whole path component sequence anywhere in the path ("Bottleneck" matches
 *                        "InceptionResnetV1/Bottleneck/weights")
 * @param verbose         list every variable restored or new
 */
public record FineTuning(Path pretrainedModel, List<String> trainScopes, boolean verbose) {

  public static final String FILE_NAME = "fine_tuning.properties";
  public static final FineTuning NONE = new FineTuning(null, List.of(), false);

  public FineTuning {
    trainScopes = List.copyOf(trainScopes);
  }

  public boolean isNone() {
    return pretrainedModel == null && trainScopes.isEmpty();
  }

  /** Whether {@code path} lies under one of the scopes (always, without scopes). */
  public static boolean inScopes(String path, List<String> scopes) {
    if (scopes.isEmpty()) return true;
    String p = "/" + path + "/";
    return scopes.stream().anyMatch(s -> p.contains("/" + s + "/"));
  }

  /** The trainable variables that {@code scopes} select; a scope that selects nothing is an error naming it. */
  public static List<VariableStore.Entry> select(List<VariableStore.Entry> trainable, List<String> scopes) {
    for (String s : scopes) {
      if (trainable.stream().noneMatch(e -> inScopes(e.path(), List.of(s)))) {
        throw new IllegalArgumentException("--train-scopes: no trainable variable under '" + s + "' (scopes are path "
            + "components, e.g. Bottleneck, Logits, InceptionResnetV1/Block8)");
      }
    }
    return trainable.stream().filter(e -> inScopes(e.path(), scopes)).toList();
  }

  /** Initialises the fresh session's variables from the pretrained model and prints the summary. */
  void initialise(Session session, VariableStore store, ModelSpec spec, PrintStream out) throws IOException {
    if (pretrainedModel == null) return;
    out.println(PretrainedWeights.initialise(session, store, spec, pretrainedModel).describe(verbose));
  }

  void save(Path runDir) throws IOException {
    if (isNone()) return;
    Properties p = new Properties();
    if (pretrainedModel != null) p.setProperty("pretrained_model", pretrainedModel.toAbsolutePath().toString());
    p.setProperty("train_scopes", String.join(",", trainScopes));
    AtomicFiles.write(runDir.resolve(FILE_NAME), o -> {
      try (Writer w = new java.io.OutputStreamWriter(o, StandardCharsets.UTF_8)) {
        p.store(w, "facenet-java fine-tuning");
      }
    });
  }

  /** The run's fine-tuning settings ({@link #NONE} if it has none). */
  static FineTuning load(Path runDir) throws IOException {
    Path f = runDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(f)) return NONE;
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    String model = p.getProperty("pretrained_model");
    String scopes = p.getProperty("train_scopes", "");
    return new FineTuning(model == null ? null : Path.of(model),
        scopes.isBlank() ? List.of() : Arrays.asList(scopes.split(",")), false);
  }
}
