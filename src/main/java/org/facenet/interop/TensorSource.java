package org.facenet.interop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Named float32 tensors in another program's model file (a TensorFlow checkpoint or frozen GraphDef, read by
 * TensorFlow itself; an insightface ONNX file, its initializers named by the import's mapping, {@link OnnxTensors}).
 */
public interface TensorSource {

  /** The file (or checkpoint prefix) errors name. */
  Path file();

  /** What kind of source this is, for the metadata: "facenet-checkpoint", "facenet-frozen-graph", ... */
  String kind();

  /**
   * The tensors among {@code names} that the source holds, in the order asked; a name it does not hold is left
   * out. A tensor that is there but cannot be read (a truncated or corrupt file, another dtype) is an
   * IOException naming the file and the tensor.
   */
  Map<String, NamedTensor> read(List<String> names) throws IOException;

  /** The files this source consists of (hashed into the metadata). */
  List<Path> files();
}
