package org.facenet.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class InceptionResNetV1Test {

  /** Builds a tower and returns {trainable parameters, output dimension, final feature map side}. */
  private static long[] build(int imageSize, int embedding, float width, float depth) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, imageSize, imageSize, 3)));
      VariableStore store = new VariableStore(tf, 1);
      Layers layers = Layers.tower(store, true, 5e-4f, Layers.BatchNormConfig.FACENET);
      ModelSpec spec = new ModelSpec("inception-resnet-v1", imageSize, new BackboneConfig(embedding, 0.8f, width, depth),
          5e-4f, Standardization.FIXED);
      var tower = EmbeddingModel.build(layers, x, spec);
      long trainable = store.trainable().stream().mapToLong(VariableStore.Entry::size).sum();
      return new long[] {trainable, tower.embeddings().shape().size(1)};
    }
  }

  @Test
  void parameterCountMatchesFacenetAt128() {
    long[] r = build(160, 128, 1f, 1f);
    // davidsandberg/facenet's model: about 22.78 M parameters at 128-D (REFERENCE.md); within 0.5 %.
    assertEquals(22.78e6, r[0], 22.78e6 * 0.005, "trainable parameters " + r[0]);
    assertEquals(128, r[1]);
  }

  @Test
  void parameterCountMatchesFacenetAt512() {
    long[] r = build(160, 512, 1f, 1f);
    assertEquals(23.47e6, r[0], 23.47e6 * 0.005, "trainable parameters " + r[0]);
    // The difference between the two is exactly the bottleneck's extra columns and batch-norm betas.
    assertEquals(r[0] - build(160, 128, 1f, 1f)[0], 1792L * 384 + 384);
  }

  @Test
  void smallestInputReachesReductionB() {
    assertEquals(64, build(75, 64, 0.125f, 0.2f)[1]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ModelSpec("inception-resnet-v1", 74, new BackboneConfig(64, 1f, 1f, 1f), 0f, Standardization.FIXED));
    assertTrue(e.getMessage().contains("75"), e.getMessage());
  }

  @Test
  void reducedWidthShrinksTheModel() {
    long full = build(96, 128, 1f, 0.2f)[0];
    long half = build(96, 128, 0.5f, 0.2f)[0];
    // Convolution weights scale with width^2, so half width leaves roughly a quarter.
    assertTrue(half < full * 0.3 && half > full * 0.2, full + " vs " + half);
  }
}
