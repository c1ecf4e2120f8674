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
      // A small learning rate and the mean of the last steps: at 0.01 Adam's first steps jump around on 8 images and
      // TensorFlow's multithreaded reductions are not bit-deterministic, so one last value against the first is a coin toss.
      int steps = 20;
      int tail = 5;
      double first = Double.NaN;
      double tailSum = 0;
      for (int step = 0; step < steps; step++) {
        try (TFloat32 x = TFloat32.tensorOf(Shape.of(8, 75, 75, 3), DataBuffers.of(pixels, true, false));
            TInt32 y = TInt32.tensorOf(Shape.of(8), DataBuffers.of(labels, true, false));
            TFloat32 lr = TFloat32.scalarOf(0.001f);
            Result out = session.runner().feed(g.images, x).feed(g.labels, y).feed(g.learningRate, lr)
                .addTarget(g.trainOp).fetch(g.loss).run()) {
          double value = ((TFloat32) out.get(0)).getFloat();
          if (step == 0) first = value;
          if (step >= steps - tail) tailSum += value;
        }
      }
      double tailMean = tailSum / tail;
      assertTrue(first > 0.02, "the untrained model should violate the margin on this batch, loss " + first);
      assertTrue(Double.isFinite(tailMean) && tailMean < 0.5 * first,
          "the triplet loss should fall on a fixed batch: first " + first + ", mean of the last " + tail + " steps " + tailMean);
    }
  }
}
