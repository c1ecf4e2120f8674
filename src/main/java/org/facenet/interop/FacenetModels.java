package org.facenet.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.facenet.nn.BackboneConfig;
import org.facenet.nn.InceptionResNetV1;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;

/**
 * davidsandberg/facenet's published models (a model folder with a checkpoint, or a frozen graph .pb) as this
 * project's Inception-ResNet-v1: facenet's variable names are this backbone's 1:1, batch-norm moving statistics
 * included, so the weights are taken by name; the embedding size and width come from the tensors' shapes.
 */
public final class FacenetModels {

  public static final String FIRST_CONV = InceptionResNetV1.SCOPE + "/Conv2d_1a_3x3/weights";
  public static final String BOTTLENECK = InceptionResNetV1.SCOPE + "/Bottleneck/weights";
  /** facenet's input side. */
  public static final int IMAGE_SIZE = 160;
  public static final String ALIGNMENT = "MTCNN face box plus a margin, cropped and resized to 160 x 160 RGB "
      + "(facenet src/align/align_dataset_mtcnn.py; facenet validates its models on LFW aligned with "
      + "--image_size 160 --margin 32)";

  private FacenetModels() {}

  /**
   * The weights at {@code source}: a facenet model folder (its {@code checkpoint} file or newest
   * model-*.ckpt-N.index), a checkpoint prefix or its {@code .index} file, a frozen graph (any other file), or an
   * insightface ONNX file ({@code .onnx}, {@link OnnxTensors}, named by IResNet's variable paths).
   */
  public static TensorSource open(Path source) throws IOException {
    if (Files.isDirectory(source)) {
      if (Files.isRegularFile(source.resolve("saved_model.pb"))) {
        throw new IOException(source + ": this is a SavedModel, not a facenet model folder or frozen graph");
      }
      return CheckpointTensors.inFolder(source);
    }
    String name = source.getFileName().toString();
    if (Files.isRegularFile(source) && name.endsWith(".index")) {
      return CheckpointTensors.atPrefix(Path.of(source.toString().substring(0, source.toString().length() - 6)));
    }
    if (OnnxTensors.isOnnx(source)) return OnnxTensors.open(source);
    if (Files.isRegularFile(source)) return FrozenGraphTensors.open(source);
    if (Files.isRegularFile(Path.of(source + ".index"))) return CheckpointTensors.atPrefix(source);
    throw new IOException(source + ": no such file or folder");
  }

  /**
   * The Inception-ResNet-v1 that {@code source}'s shapes describe at {@code imageSize}: width from the first
   * convolution's 32 filters, embedding size from the bottleneck's (unless {@code embeddingSize} asks for one, in
   * which case a different checkpoint fails the shape check naming the bottleneck).
   */
  public static ModelSpec spec(TensorSource source, int imageSize, Integer embeddingSize,
      Standardization standardization) throws IOException {
    Map<String, NamedTensor> probe = source.read(List.of(FIRST_CONV, BOTTLENECK));
    for (String name : List.of(FIRST_CONV, BOTTLENECK)) {
      NamedTensor t = probe.get(name);
      if (t == null) {
        throw new IllegalArgumentException(source.file() + ": not a facenet Inception-ResNet-v1 (no tensor " + name + ")");
      }
      if (t.shape().length != (name.equals(FIRST_CONV) ? 4 : 2)) {
        throw new IllegalArgumentException(source.file() + ": tensor " + name + " has shape " + t.shapeText()
            + ", not that of facenet's Inception-ResNet-v1");
      }
    }
    float width = probe.get(FIRST_CONV).shape()[3] / 32f;
    int embedding = embeddingSize != null ? embeddingSize : Math.toIntExact(probe.get(BOTTLENECK).shape()[1]);
    return new ModelSpec("inception-resnet-v1", imageSize, new BackboneConfig(embedding, 1f, width, 1f), 0f,
        standardization);
  }
}
