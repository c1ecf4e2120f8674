package org.facenet.interop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.facenet.nn.EmbeddingModel;
import org.facenet.nn.Layers;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.VariableStore;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The variables of a model's (unfolded) inference tower, by path and shape, in the order the Java backbone creates
 * them (graphs/&lt;backbone&gt;.txt): what an imported model must supply.
 */
public record ModelLayout(ModelSpec spec, List<Variable> variables) {

  /** One variable. */
  public record Variable(String path, long[] shape) {
    public String shapeText() {
      return Arrays.toString(shape);
    }
  }

  public static ModelLayout of(ModelSpec spec) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      int s = spec.imageSize();
      VariableStore store = new VariableStore(tf, 0);
      EmbeddingModel.build(Layers.tower(store, false, 0f, Layers.BatchNormConfig.FACENET),
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3))), spec);
      List<Variable> vars = new ArrayList<>();
      for (VariableStore.Entry e : store.entries()) vars.add(new Variable(e.path(), e.shape()));
      return new ModelLayout(spec, List.copyOf(vars));
    }
  }

  public List<String> paths() {
    return variables.stream().map(Variable::path).toList();
  }

  /**
   * The values of every variable of this layout in {@code tensors}, after checking, in this layout's order, that
   * each is there with this layout's shape: the first one missing or of another shape is an error naming
   * {@code source} and the tensor.
   */
  public Map<String, float[]> values(Map<String, NamedTensor> tensors, String source) {
    Map<String, float[]> out = new java.util.LinkedHashMap<>();
    for (Variable v : variables) {
      NamedTensor t = tensors.get(v.path());
      if (t == null) {
        throw new IllegalArgumentException(source + ": no tensor " + v.path() + " (" + spec.backbone()
            + " needs it with shape " + v.shapeText() + ")");
      }
      if (!Arrays.equals(t.shape(), v.shape())) {
        throw new IllegalArgumentException(source + ": tensor " + v.path() + " has shape " + t.shapeText() + ", "
            + spec.backbone() + " at embedding size " + spec.embeddingSize() + " needs " + v.shapeText());
      }
      out.put(v.path(), t.values());
    }
    return out;
  }
}
