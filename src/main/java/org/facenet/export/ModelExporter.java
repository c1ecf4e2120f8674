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
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Exports a checkpoint as a SavedModel: a fresh graph holding only the inference tower (batch norm on the
 * moving statistics, no dropout), tag {@code serve}, signature {@code serving_default}: {@code images} float32
 * [-1, H, W, 3] raw RGB 0..255 -> {@code embeddings} float32 [-1, D], L2-normalised. Every batch norm that
 * follows a convolution or fully connected layer is folded into that layer's weights and bias
 * ({@link org.facenet.nn.FoldedBatchNorm}), and so is the scale of every residual merge
 * ({@link org.facenet.nn.FoldedScale}): the same function, one pass over the activations less per layer, and a
 * convolution + bias (+ residual add) + activation that TensorFlow fuses into one op at any precision (its
 * bfloat16 rewrite does not fuse a convolution with a batch norm). Variables keep the checkpoint's names.
 */
public final class ModelExporter {

  public static final String TAG = "serve";
  public static final String SIGNATURE = "serving_default";
  public static final String INPUT = "images";
  public static final String OUTPUT = "embeddings";

  private ModelExporter() {}

  /** Writes the SavedModel to {@code target} (replaced whole if it exists), with {@code metadata} inside. */
  public static void export(ModelSpec spec, Path checkpointPrefix, Path target, ModelMetadata metadata)
      throws IOException {
    export(spec, inferenceValues(spec, checkpointPrefix), target, metadata);
  }

  /**
   * Writes the SavedModel of {@code spec} with the values of its unfolded inference tower's variables (by path,
   * flat row-major; e.g. read from another framework's file by org.facenet.interop) to {@code target}.
   */
  public static void export(ModelSpec spec, Map<String, float[]> inferenceValues, Path target, ModelMetadata metadata)
      throws IOException {
    Map<String, float[]> values = new HashMap<>(inferenceValues);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      int s = spec.imageSize();
      Placeholder<TFloat32> images = tf.withName(INPUT).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3)));
      VariableStore store = new VariableStore(tf, 0);
      Layers layers = Layers.foldedInferenceTower(store, Layers.BatchNormConfig.FACENET);
      EmbeddingModel.Tower tower = EmbeddingModel.build(layers, images, spec);
      Operand<TFloat32> embeddings = tf.withName(OUTPUT).identity(tower.embeddings());
      Signature signature = Signature.builder().key(SIGNATURE).methodName("tensorflow/serving/predict")
          .input(INPUT, images).output(OUTPUT, embeddings).build();
      for (Folding f : layers.foldings()) values.putAll(f.fold(values));
      try (Session session = new Session(g)) {
        session.initialize();
        store.assign(session, values);
        AtomicFiles.writeDirectory(target, dir -> {
          SavedModelBundle.exporter(dir.toString()).withTags(TAG).withSession(session).withSignature(signature).export();
          metadata.write(dir.resolve(ModelMetadata.FILE_NAME));
        });
      }
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
