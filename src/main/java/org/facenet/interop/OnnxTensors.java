package org.facenet.interop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.facenet.align.DatasetAligner;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;

/**
 * An insightface ArcFace ONNX file (an iresnet) as named tensors: the ONNX graph read by {@link OnnxModel} and its
 * initializers mapped onto {@link org.facenet.nn.IResNet}'s variable paths in graph order by {@link IResNetOnnx}, so
 * that the import and {@code --pretrained-model} take them by name as for facenet's models.
 */
public final class OnnxTensors implements TensorSource {

  /** insightface's models expect the five-landmark similarity warp (org.facenet.align's {@code similarity}). */
  public static final String ALIGNMENT = DatasetAligner.Alignment.SIMILARITY.name().toLowerCase(Locale.ROOT)
      + ": the five MTCNN landmarks warped onto insightface's ArcFace "
      + "template at 112 x 112 RGB (insightface utils/face_align.py norm_crop; facenet-align / facenet-embed "
      + "--align --alignment similarity)";

  private final Path file;
  private final ModelSpec spec;
  private final Map<String, NamedTensor> tensors;
  private final List<Path> files;

  private OnnxTensors(Path file, ModelSpec spec, Map<String, NamedTensor> tensors, List<Path> external) {
    this.file = file;
    List<Path> all = new java.util.ArrayList<>(List.of(file));
    all.addAll(external);
    this.files = List.copyOf(all);
    this.spec = spec;
    this.tensors = tensors;
  }

  /** Whether {@code source} names an ONNX file (by its extension; ONNX files have no magic number). */
  public static boolean isOnnx(Path source) {
    return source.getFileName() != null && source.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
  }

  /** Reads and maps {@code file} with ArcFace's standardisation and the file's own embedding size. */
  public static OnnxTensors open(Path file) throws IOException {
    return open(file, null, Standardization.ARCFACE);
  }

  /**
   * Reads and maps {@code file}; {@code embeddingSize} (null: the file's) and {@code standardization} go into the
   * spec. Not an ONNX file, a truncated one or another architecture: an error naming the file and the first node or
   * tensor that does not fit.
   */
  public static OnnxTensors open(Path file, Integer embeddingSize, Standardization standardization) throws IOException {
    OnnxModel model;
    try {
      model = OnnxModel.read(file);
    } catch (OnnxModel.Unreadable e) {
      if (e.partial() == null) throw e;
      try {
        IResNetOnnx.map(e.partial(), embeddingSize, standardization);
      } catch (IllegalArgumentException missing) {
        // What the cut took away, as the mapping meets it first: "node #12 ... input 'onnx::Conv_290' is not ...".
        String what = missing.getMessage().startsWith(file + ": ")
            ? missing.getMessage().substring(file.toString().length() + 2) : missing.getMessage();
        throw new IOException(e.getMessage() + "; the first tensor it lacks: " + what, e);
      }
      throw e;
    }
    IResNetOnnx.Mapped mapped = IResNetOnnx.map(model, embeddingSize, standardization);
    return new OnnxTensors(file, mapped.spec(), mapped.tensors(), model.externalFiles());
  }

  /** The IResNet (depth, width, embedding size, input size) the file holds. */
  public ModelSpec spec() {
    return spec;
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public String kind() {
    return "insightface-onnx";
  }

  @Override
  public List<Path> files() {
    return files;
  }

  @Override
  public Map<String, NamedTensor> read(List<String> names) {
    Map<String, NamedTensor> out = new LinkedHashMap<>();
    for (String n : names) {
      NamedTensor t = tensors.get(n);
      if (t != null) out.put(n, t);
    }
    return out;
  }
}
