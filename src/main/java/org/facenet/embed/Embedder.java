package org.facenet.embed;

import java.nio.file.Path;
import java.util.Map;
import org.facenet.export.ModelExporter;
import org.facenet.runtime.Precision;
import org.facenet.runtime.SessionOptions;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Runs an exported SavedModel: raw RGB pixels in, L2-normalised embeddings out. The input size and the
 * embedding size are read from the model's serving signature (the input size from its facenet-metadata.json where
 * the signature leaves it open); {@link #info()} is what that file says the model expects.
 */
public final class Embedder implements AutoCloseable {

  private final SavedModelBundle bundle;
  private final SessionFunction function;
  private final int imageSize;
  private final int embeddingSize;
  private final ModelInfo info;

  private Embedder(SavedModelBundle bundle, Path dir) {
    this.bundle = bundle;
    this.function = bundle.function(ModelExporter.SIGNATURE);
    Signature sig = function.signature();
    Signature.TensorDescription in = sig.getInputs().get(ModelExporter.INPUT);
    Signature.TensorDescription out = sig.getOutputs().get(ModelExporter.OUTPUT);
    if (in == null || out == null) {
      throw new IllegalArgumentException("the model's signature '" + ModelExporter.SIGNATURE + "' lacks input '"
          + ModelExporter.INPUT + "' or output '" + ModelExporter.OUTPUT + "'");
    }
    this.info = ModelInfo.read(dir, in.shape.numDimensions() == 4 ? (int) in.shape.size(1) : -1);
    this.imageSize = info.imageSize();
    this.embeddingSize = (int) out.shape.size(1);
  }

  /** Loads the SavedModel in {@code dir} to run in float32; a clear error if it is not one. */
  public static Embedder load(Path dir) {
    return load(dir, Precision.FLOAT32);
  }

  /**
   * Loads the SavedModel in {@code dir} to run at {@code precision} (the model itself is float32; bfloat16 is a
   * rewrite of the loaded graph, see {@link Precision}); a clear error if it is not one.
   */
  public static Embedder load(Path dir, Precision precision) {
    return load(dir, precision, note -> {});
  }

  /**
   * As {@link #load(Path, Precision)}, {@code dir} resolved by {@link ModelPath} (a run folder stands for its
   * saved_model/, which {@code notes} hears).
   */
  public static Embedder load(Path dir, Precision precision, java.util.function.Consumer<String> notes) {
    dir = ModelPath.resolve(dir, notes);
    SavedModelBundle bundle = SavedModelBundle.loader(dir.toString()).withTags(ModelExporter.TAG)
        .withConfigProto(SessionOptions.config(0, false, precision)).load();
    try {
      return new Embedder(bundle, dir);
    } catch (RuntimeException e) {
      bundle.close();
      throw e;
    }
  }

  public int imageSize() {
    return imageSize;
  }

  /**
   * What the model's facenet-metadata.json says it expects (input size, standardisation, alignment), or the defaults
   * with the reason ({@link ModelInfo#problem()}) when the file is missing or unreadable.
   */
  public ModelInfo info() {
    return info;
  }

  public int embeddingSize() {
    return embeddingSize;
  }

  /** Embeds {@code n} images given as HWC RGB 0..255, row after row, at {@link #imageSize()}. */
  public float[][] embed(float[] pixels, int n) {
    int per = imageSize * imageSize * 3;
    if (pixels.length < (long) n * per) throw new IllegalArgumentException("need " + n * per + " pixel values, got " + pixels.length);
    try (TFloat32 in = TFloat32.tensorOf(Shape.of(n, imageSize, imageSize, 3), DataBuffers.of(pixels, true, false).narrow(
            (long) n * per));
        Result r = function.call(Map.of(ModelExporter.INPUT, in))) {
      return rows((TFloat32) r.get(ModelExporter.OUTPUT).orElseThrow());
    }
  }

  /** The rows of a [N, D] embeddings tensor. */
  public static float[][] rows(TFloat32 embeddings) {
    int n = (int) embeddings.shape().size(0);
    int d = (int) embeddings.shape().size(1);
    float[] flat = new float[n * d];
    embeddings.copyTo(DataBuffers.of(flat, false, false));
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) rows[i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
    return rows;
  }

  @Override
  public void close() {
    bundle.close();
  }
}
