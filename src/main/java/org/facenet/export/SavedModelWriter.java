package org.facenet.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.facenet.io.AtomicFiles;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Writes a graph without variables (its weights are Const nodes) as a TF1-style SavedModel: {@code saved_model.pb}
 * holding one MetaGraphDef (the graph, one tag, the signatures) and an empty {@code variables/} directory. There is no
 * saver and no checkpoint: TensorFlow's loaders (C++, Python, Java, TF Serving) restore nothing when the variables
 * index is absent, and TF-Lite's converter finds no variables to freeze. TF Java's exporter cannot write this: it
 * always adds a saver and saves the session's variables.
 */
final class SavedModelWriter {

  /** One signature: named inputs and outputs of the graph, in order. */
  static final class SignatureBuilder {
    private final String key;
    private final Map<String, Operand<?>> inputs = new LinkedHashMap<>();
    private final Map<String, Operand<?>> outputs = new LinkedHashMap<>();

    SignatureBuilder(String key) {
      this.key = key;
    }

    SignatureBuilder input(String name, Operand<?> tensor) {
      inputs.put(name, tensor);
      return this;
    }

    SignatureBuilder output(String name, Operand<?> tensor) {
      outputs.put(name, tensor);
      return this;
    }

    SignatureDef build() {
      SignatureDef.Builder b = SignatureDef.newBuilder().setMethodName("tensorflow/serving/predict");
      inputs.forEach((n, t) -> b.putInputs(n, info(t)));
      outputs.forEach((n, t) -> b.putOutputs(n, info(t)));
      return b.build();
    }
  }

  private final Graph graph;
  private final String tag;
  private final Map<String, SignatureDef> signatures = new LinkedHashMap<>();

  SavedModelWriter(Graph graph, String tag) {
    this.graph = graph;
    this.tag = tag;
  }

  SavedModelWriter signature(SignatureBuilder signature) {
    signatures.put(signature.key, signature.build());
    return this;
  }

  /** Writes {@code saved_model.pb} and {@code variables/} into {@code dir} (an existing, empty directory). */
  void write(Path dir) throws IOException {
    MetaGraphDef.Builder meta = MetaGraphDef.newBuilder()
        .setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder().addTags(tag).setTensorflowVersion(TensorFlow.version()))
        .setGraphDef(graph.toGraphDef())
        .putAllSignatureDef(signatures);
    SavedModel model = SavedModel.newBuilder().setSavedModelSchemaVersion(1).addMetaGraphs(meta).build();
    Files.createDirectories(dir.resolve("variables"));
    AtomicFiles.write(dir.resolve("saved_model.pb"), model::writeTo);
  }

  private static TensorInfo info(Operand<?> t) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    Shape s = t.shape();
    if (s.isUnknown()) {
      shape.setUnknownRank(true);
    } else {
      for (int i = 0; i < s.numDimensions(); i++) shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(s.size(i)));
    }
    return TensorInfo.newBuilder().setName(t.asOutput().op().name() + ":" + t.asOutput().index())
        .setDtype(t.asOutput().dataType()).setTensorShape(shape).build();
  }
}
