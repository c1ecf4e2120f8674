package org.facenet.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.facenet.io.AtomicFiles;
import org.facenet.nn.EmbeddingModel;
import org.facenet.nn.Folding;
import org.facenet.nn.Layers;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.VariableStore;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Exports a checkpoint as a SavedModel: a fresh graph holding only the inference tower (batch norm on the
 * moving statistics, no dropout), tag {@code serve}, signature {@code serving_default}: {@code images} float32
 * [-1, H, W, 3] raw RGB 0..255 -> {@code embeddings} float32 [-1, D], L2-normalised; optionally (the TF Serving
 * layout) signature {@code embed_image_bytes}: {@code image_bytes} string [-1] (encoded JPEG/PNG files) ->
 * {@code embeddings}, the images decoded and resized inside the graph as facenet-embed does ({@link ImageBytesInput}). Every batch norm that
 * follows a convolution or fully connected layer is folded into that layer's weights and bias
 * ({@link org.facenet.nn.FoldedBatchNorm}), and so is the scale of every residual merge
 * ({@link org.facenet.nn.FoldedScale}): the same function, one pass over the activations less per layer, and a
 * convolution + bias (+ residual add) + activation that TensorFlow fuses into one op at any precision (its
 * bfloat16 rewrite does not fuse a convolution with a batch norm).
 *
 * <p>The serving graph has no variables: every weight is a {@code Const} node named exactly like the checkpoint's
 * variable it comes from ("InceptionResnetV1/Conv2d_1a_3x3/weights"; a folded layer's bias is its batch norm's
 * "BatchNorm/beta"), as facenet's frozen graphs name them, so a program can read the weights back by name. The
 * checkpoint stays the source; the SavedModel is a deployment artefact that TF-Lite's converter, TF Serving and
 * tf2onnx take as it is (the op allowlist test, ServingGraphOpsTest, keeps it so).
 */
public final class ModelExporter {

  public static final String TAG = "serve";
  public static final String SIGNATURE = "serving_default";
  public static final String INPUT = "images";
  public static final String OUTPUT = "embeddings";
  /** The second signature: encoded JPEG/PNG files in, decoded and resized in the graph, the same embeddings out. */
  public static final String BYTES_SIGNATURE = "embed_image_bytes";
  /** Its input: a string vector [-1] of encoded image files. */
  public static final String BYTES_INPUT = "image_bytes";

  private ModelExporter() {}

  /** Writes the SavedModel to {@code target} with {@code metadata} inside; an existing {@code target} is refused. */
  public static void export(ModelSpec spec, Path checkpointPrefix, Path target, ModelMetadata metadata)
      throws IOException {
    export(spec, checkpointPrefix, target, metadata, AtomicFiles.Existing.REFUSE, false);
  }

  /**
   * Writes the SavedModel to {@code target} with {@code metadata} inside; an existing {@code target} is replaced
   * whole with {@link AtomicFiles.Existing#REPLACE} (a run re-exporting its own saved_model) and refused otherwise.
   */
  public static void export(ModelSpec spec, Path checkpointPrefix, Path target, ModelMetadata metadata,
      AtomicFiles.Existing existing) throws IOException {
    export(spec, checkpointPrefix, target, metadata, existing, false);
  }

  /**
   * {@link #export}, with the {@value #BYTES_SIGNATURE} signature too when {@code imageBytes} (recorded in
   * {@code metadata}). That signature's decoding ops have no TF-Lite builtin, and TF-Lite's
   * {@code from_saved_model(dir)} converts every signature of the model unless given {@code signature_keys}: the
   * default export keeps to {@code serving_default} so that the unchanged call converts it; the TF Serving layout
   * ({@link ServingLayout}) adds the bytes signature.
   */
  public static void export(ModelSpec spec, Path checkpointPrefix, Path target, ModelMetadata metadata,
      AtomicFiles.Existing existing, boolean imageBytes) throws IOException {
    AtomicFiles.checkDirectoryTarget(target, existing);
    export(spec, inferenceValues(spec, checkpointPrefix), target, metadata, existing, imageBytes);
  }

  /**
   * Writes the SavedModel of {@code spec} with the values of its unfolded inference tower's variables (by path,
   * flat row-major; e.g. read from another framework's file by org.facenet.interop) to {@code target}, which must not
   * exist.
   */
  public static void export(ModelSpec spec, Map<String, float[]> inferenceValues, Path target, ModelMetadata metadata)
      throws IOException {
    export(spec, inferenceValues, target, metadata, AtomicFiles.Existing.REFUSE, false);
  }

  private static void export(ModelSpec spec, Map<String, float[]> inferenceValues, Path target, ModelMetadata metadata,
      AtomicFiles.Existing existing, boolean imageBytes) throws IOException {
    AtomicFiles.checkDirectoryTarget(target, existing);
    Map<String, float[]> folded = foldedValues(spec, inferenceValues);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      int s = spec.imageSize();
      Placeholder<TFloat32> images = tf.withName(INPUT).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3)));
      VariableStore weights = VariableStore.constants(tf, folded);
      EmbeddingModel.Tower tower = EmbeddingModel.build(
          Layers.foldedInferenceTower(weights, Layers.BatchNormConfig.FACENET), images, spec);
      Operand<TFloat32> embeddings = tf.withName(OUTPUT).identity(tower.embeddings());
      SavedModelWriter writer = new SavedModelWriter(g, TAG)
          .signature(new SavedModelWriter.SignatureBuilder(SIGNATURE).input(INPUT, images).output(OUTPUT, embeddings));
      if (imageBytes) {
        // The same tower (the same Const weights) on images decoded inside the graph, for clients that send files.
        Placeholder<TString> files = tf.withName(BYTES_INPUT).placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
        EmbeddingModel.Tower fromBytes = EmbeddingModel.build(Layers.foldedInferenceTower(weights,
            Layers.BatchNormConfig.FACENET), ImageBytesInput.decodeBatch(tf, files, s), spec);
        writer.signature(new SavedModelWriter.SignatureBuilder(BYTES_SIGNATURE).input(BYTES_INPUT, files)
            .output(OUTPUT, tf.withName(BYTES_SIGNATURE + "_" + OUTPUT).identity(fromBytes.embeddings())));
        metadata.put("image_bytes_signature", BYTES_SIGNATURE + ": " + BYTES_INPUT + ": string [-1], encoded JPEG/PNG "
            + "files (decoded, centre square resized with the antialiased bilinear filter, in the graph) -> " + OUTPUT);
      }
      AtomicFiles.writeDirectory(target, existing, dir -> {
        writer.write(dir);
        metadata.write(dir.resolve(ModelMetadata.FILE_NAME));
      });
    }
  }

  /**
   * The values of {@code spec}'s folded inference tower (its weights and biases with the batch norms and residual
   * scales folded in, the unfolded batch norms' statistics as they are), from the unfolded tower's {@code values}.
   * The folded tower is built once in a scratch graph to learn its variables and foldings.
   */
  static Map<String, float[]> foldedValues(ModelSpec spec, Map<String, float[]> values) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      int s = spec.imageSize();
      VariableStore store = new VariableStore(tf, 0);
      Layers layers = Layers.foldedInferenceTower(store, Layers.BatchNormConfig.FACENET);
      EmbeddingModel.build(layers, tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3))), spec);
      Map<String, float[]> all = new HashMap<>(values);
      for (Folding f : layers.foldings()) all.putAll(f.fold(all));
      Map<String, float[]> out = new HashMap<>();
      for (VariableStore.Entry e : store.entries()) out.put(e.path(), Folding.value(all, e.path()));
      return out;
    }
  }

  /** The variables of {@code spec}'s (unfolded) inference tower, restored from {@code checkpointPrefix}. */
  static Map<String, float[]> inferenceValues(ModelSpec spec, Path checkpointPrefix) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      int s = spec.imageSize();
      VariableStore store = new VariableStore(tf, 0);
      EmbeddingModel.build(Layers.tower(store, false, 0f, Layers.BatchNormConfig.FACENET),
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3))), spec);
      try (Session session = new Session(g)) {
        session.restore(checkpointPrefix.toString());
        return store.values(session);
      }
    }
  }
}
