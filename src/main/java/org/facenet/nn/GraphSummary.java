package org.facenet.nn;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A backbone's architecture as text: every variable with its shape and size, the parameter counts and
 * the forward FLOPs per image. {@code graphs/<backbone>.txt} holds it for each backbone at its default
 * size, so a change of architecture shows up in review.
 */
public final class GraphSummary {

  private GraphSummary() {}

  /** Builds {@code spec}'s inference tower in a scratch graph and describes it. */
  public static String describe(ModelSpec spec, String header) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      int s = spec.imageSize();
      var images = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3)));
      VariableStore store = new VariableStore(tf, 0);
      Layers layers = Layers.tower(store, false, 0f, Layers.BatchNormConfig.FACENET);
      EmbeddingModel.Tower tower = EmbeddingModel.build(layers, images, spec);
      List<VariableStore.Entry> entries = store.entries();
      long trainable = entries.stream().filter(VariableStore.Entry::trainable).mapToLong(VariableStore.Entry::size).sum();
      long moving = entries.stream().filter(e -> !e.trainable()).mapToLong(VariableStore.Entry::size).sum();
      StringBuilder sb = new StringBuilder();
      if (header != null && !header.isBlank()) {
        for (String line : header.strip().split("\n")) sb.append("# ").append(line).append('\n');
      }
      sb.append(String.format(Locale.ROOT, "# backbone: %s, input %dx%dx3, embedding %d, width %s, depth %s%n",
          spec.backbone(), s, s, spec.embeddingSize(), spec.config().width(), spec.config().depth()));
      sb.append(String.format(Locale.ROOT, "# output: %s%n", tower.embeddings().shape()));
      sb.append(String.format(Locale.ROOT, "# trainable parameters (softmax logits excluded): %,d%n", trainable));
      sb.append(String.format(Locale.ROOT, "# batch-norm moving statistics (not trained): %,d%n", moving));
      sb.append(String.format(Locale.ROOT, "# forward FLOPs per image (2 x multiply-adds of convolutions and "
          + "fully connected layers): %,.0f (%.3f GFLOP)%n", layers.flopsPerExample(), layers.flopsPerExample() / 1e9));
      sb.append(String.format(Locale.ROOT, "# variables: %d%n", entries.size()));
      for (VariableStore.Entry e : entries) {
        sb.append(String.format(Locale.ROOT, "%s %s %d%s%n", e.path(), Arrays.toString(e.shape()), e.size(),
            e.trainable() ? "" : " (moving)"));
      }
      return sb.toString();
    }
  }

  /** The file name of a backbone's summary under graphs/. */
  public static String fileName(String backbone) {
    return backbone.replace('-', '_') + ".txt";
  }
}
