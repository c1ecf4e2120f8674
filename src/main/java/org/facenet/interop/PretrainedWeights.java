package org.facenet.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.VariableStore;
import org.tensorflow.Session;

/**
 * facenet's {@code --pretrained_model}: a model's variables initialised from another model's weights, by name and
 * shape. A variable the source lacks, or holds with another shape outside the embedding network (a Logits layer for
 * another number of classes, the center loss's centers), starts fresh; a shape mismatch inside the embedding
 * network is an error naming it. Optimizer slots always start fresh.
 */
public final class PretrainedWeights {

  private static final Pattern STEP_DIR = Pattern.compile("step-\\d{8}");

  /** One variable's fate. */
  public record Outcome(String path, long[] shape, boolean restored, String note) {}

  /** What was initialised from where. */
  public record Summary(Path source, String kind, List<Outcome> outcomes) {
    public long restored() {
      return outcomes.stream().filter(Outcome::restored).count();
    }

    public long fresh() {
      return outcomes.size() - restored();
    }

    /** "restored 490 of 492 variables from ...; 2 new (Logits/weights, ...)"; each variable on its own line if verbose. */
    public String describe(boolean verbose) {
      StringBuilder sb = new StringBuilder(String.format("pretrained model %s (%s): restored %d of %d variables, %d new",
          source, kind, restored(), outcomes.size(), fresh()));
      List<String> fresh = outcomes.stream().filter(o -> !o.restored()).map(Outcome::path).toList();
      if (!verbose && !fresh.isEmpty()) {
        sb.append(" (").append(String.join(", ", fresh.subList(0, Math.min(5, fresh.size()))))
            .append(fresh.size() > 5 ? ", ..." : "").append(')');
      }
      if (verbose) {
        for (Outcome o : outcomes) {
          sb.append(String.format("%n  %-8s %s %s%s", o.restored() ? "restored" : "new", o.path(),
              Arrays.toString(o.shape()), o.note().isEmpty() ? "" : " (" + o.note() + ")"));
        }
      }
      return sb.toString();
    }
  }

  private PretrainedWeights() {}

  /**
   * The weights at {@code path}: this project's run folder (its newest checkpoint), a checkpoint folder
   * (step-NNNNNNNN) or prefix, a SavedModel (its variables, or the constants of its graph if it has none), a
   * facenet model folder or frozen graph, or an insightface ONNX file (an iresnet, by the import's mapping).
   */
  public static TensorSource open(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      if (Files.isRegularFile(path.resolve("saved_model.pb"))) {
        Path vars = path.resolve("variables").resolve("variables");
        return Files.isRegularFile(Path.of(vars + ".index")) ? CheckpointTensors.atPrefix(vars)
            : FrozenGraphTensors.ofSavedModel(path.resolve("saved_model.pb"));
      }
      if (Files.isRegularFile(path.resolve("run.properties"))) return newestCheckpoint(path);
      if (STEP_DIR.matcher(path.getFileName().toString()).matches() && Files.isRegularFile(path.resolve("model.index"))) {
        return CheckpointTensors.atPrefix(path.resolve("model"));
      }
    }
    return FacenetModels.open(path);
  }

  private static TensorSource newestCheckpoint(Path runDir) throws IOException {
    Path dir = runDir.resolve("checkpoints");
    List<Path> steps = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> STEP_DIR.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p.resolve("model.index")))
            .sorted().forEach(steps::add);
      }
    }
    if (steps.isEmpty()) throw new IOException(runDir + ": a training run without a checkpoint");
    return CheckpointTensors.atPrefix(steps.get(steps.size() - 1).resolve("model"));
  }

  /**
   * Initialises the variables of {@code store} (already initialised in {@code session}) that {@code source} holds
   * with the same name and shape. {@code spec}'s embedding network decides which mismatches are errors.
   */
  public static Summary initialise(Session session, VariableStore store, ModelSpec spec, Path source)
      throws IOException {
    TensorSource src = open(source);
    Set<String> network = Set.copyOf(ModelLayout.of(spec).paths());
    List<VariableStore.Entry> candidates = new ArrayList<>();
    for (VariableStore.Entry e : store.entries()) if (!isSlot(store, e.path())) candidates.add(e);
    Map<String, NamedTensor> found = src.read(candidates.stream().map(VariableStore.Entry::path).toList());
    Map<String, float[]> values = new LinkedHashMap<>();
    List<Outcome> outcomes = new ArrayList<>();
    for (VariableStore.Entry e : candidates) {
      NamedTensor t = found.get(e.path());
      if (t != null && Arrays.equals(t.shape(), e.shape())) {
        values.put(e.path(), t.values());
        outcomes.add(new Outcome(e.path(), e.shape(), true, ""));
      } else if (t != null && network.contains(e.path())) {
        throw shapeMismatch(src, e.path(), t, e.shape());
      } else {
        outcomes.add(new Outcome(e.path(), e.shape(), false, t == null ? "not in the source"
            : "the source's is " + t.shapeText()));
      }
    }
    if (values.keySet().stream().noneMatch(network::contains)) throw noneThere(src, spec);
    store.assignSome(session, values);
    return new Summary(src.file(), src.kind(), outcomes);
  }

  /**
   * The checks of {@link #initialise} without a session, before a run creates anything: {@code source} opens, holds
   * some of {@code spec}'s embedding network, and each of those with the shape the network needs.
   */
  public static void check(Path source, ModelSpec spec) throws IOException {
    TensorSource src = open(source);
    List<ModelLayout.Variable> network = ModelLayout.of(spec).variables();
    Map<String, NamedTensor> found = src.read(network.stream().map(ModelLayout.Variable::path).toList());
    for (ModelLayout.Variable v : network) {
      NamedTensor t = found.get(v.path());
      if (t != null && !Arrays.equals(t.shape(), v.shape())) throw shapeMismatch(src, v.path(), t, v.shape());
    }
    if (found.isEmpty()) throw noneThere(src, spec);
  }

  private static IllegalArgumentException shapeMismatch(TensorSource src, String path, NamedTensor t, long[] needed) {
    return new IllegalArgumentException(src.file() + ": tensor " + path + " has shape " + t.shapeText()
        + ", the model being trained needs " + Arrays.toString(needed) + " (another backbone, width or embedding size?)");
  }

  private static IllegalArgumentException noneThere(TensorSource src, ModelSpec spec) {
    return new IllegalArgumentException(src.file() + ": none of the embedding network's variables is there (first: "
        + ModelLayout.of(spec).paths().get(0) + "); another backbone?");
  }

  /** An optimizer slot: "path/Adam" below another variable's path. */
  private static boolean isSlot(VariableStore store, String path) {
    int slash = path.lastIndexOf('/');
    return slash > 0 && store.entry(path.substring(0, slash)) != null;
  }
}
