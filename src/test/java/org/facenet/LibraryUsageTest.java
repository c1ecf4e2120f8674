package org.facenet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.facenet.loss.Loss;
import org.facenet.loss.LossOptions;
import org.facenet.loss.Losses;
import org.facenet.nn.BackboneConfig;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.facenet.train.Optimizer;
import org.facenet.train.OptimizerKind;
import org.facenet.train.TrainingGraph;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** The README's "Use as a library" example, kept compiling and working: any backbone + any loss, no CLI. */
class LibraryUsageTest {

  @Test
  void aJavaProgramBuildsAndTrainsABackboneWithAMetricLoss() {
    // README example starts
    ModelSpec spec = new ModelSpec("inception-resnet-v1", 75, new BackboneConfig(16, 1f, 0.125f, 0.2f), 0f,
        Standardization.FIXED);
    Loss loss = Losses.create("triplet-batch-hard", LossOptions.defaults());
    int numClasses = 4;
    try (TrainingGraph g = TrainingGraph.build(spec, loss, numClasses, Optimizer.facenet(OptimizerKind.ADAM), 42);
        Session session = new Session(g.graph)) {
      session.initialize();
      float[] pixels = new float[8 * 75 * 75 * 3];          // 8 images, HWC RGB 0..255
      int[] labels = {0, 0, 1, 1, 2, 2, 3, 3};               // P = 4 identities x K = 2 images
      // README example ends
      Random r = new Random(1);
      for (int i = 0; i < pixels.length; i++) pixels[i] = 60 * (labels[i / (75 * 75 * 3)] + 1) + 20 * r.nextFloat();
      double first = Double.NaN;
      double last = Double.NaN;
      for (int step = 0; step < 15; step++) {
        try (TFloat32 x = TFloat32.tensorOf(Shape.of(8, 75, 75, 3), DataBuffers.of(pixels, true, false));
            TInt32 y = TInt32.tensorOf(Shape.of(8), DataBuffers.of(labels, true, false));
            TFloat32 lr = TFloat32.scalarOf(0.01f);
            Result out = session.runner().feed(g.images, x).feed(g.labels, y).feed(g.learningRate, lr)
                .addTarget(g.trainOp).fetch(g.loss).run()) {
          last = ((TFloat32) out.get(0)).getFloat();
          if (step == 0) first = last;
        }
      }
      assertTrue(Double.isFinite(last) && last < first, "the triplet loss fell on a fixed batch: " + first + " -> " + last);
    }
  }
}
