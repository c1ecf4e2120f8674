package org.facenet.train;

import java.lang.management.ManagementFactory;
import java.util.Iterator;
import java.util.Locale;
import org.facenet.nn.EmbeddingModel;
import org.facenet.nn.Layers;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.VariableStore;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The memory a training step needs, estimated before the training graph is built and checked against the machine:
 * the float activations of one image through the backbone (every op output with a batch dimension in a scratch
 * training tower, times 4 bytes), times the batch, times {@link #TRAINING_FACTOR} for what the backward pass and
 * TensorFlow's allocator add. A run whose estimate exceeds the
 * machine's physical memory is refused with the figures, instead of meeting the kernel's OOM killer.
 */
public final class MemoryEstimate {

  /**
   * Peak resident memory per activation byte of a training step (backward buffers, allocator slack), measured once
   * with the synthetic preset (docs/benchmarks.md, "Training memory").
   */
  static final double TRAINING_FACTOR = 1.5;

  private MemoryEstimate() {}

  /** Float activations per image of {@code spec}'s training tower (4 bytes each). */
  public static long activationsPerImage(ModelSpec spec) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      int s = spec.imageSize();
      Placeholder<TFloat32> images = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3)));
      VariableStore store = new VariableStore(tf, 0);
      EmbeddingModel.build(Layers.tower(store, true, spec.weightDecay(), Layers.BatchNormConfig.FACENET), images, spec);
      long total = 0;
      for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
        GraphOperation op = it.next();
        for (int i = 0; i < op.numOutputs(); i++) {
          Shape shape = op.output(i).shape();
          if (shape.isUnknown() || shape.numDimensions() < 2 || shape.size(0) != -1) continue;
          long n = 1;
          for (int d = 1; d < shape.numDimensions(); d++) n *= Math.max(1, shape.size(d));
          total += n;
        }
      }
      return total;
    }
  }

  /** Estimated peak bytes of a training step of {@code batch} images. */
  public static long trainingBytes(ModelSpec spec, int batch) {
    return (long) (TRAINING_FACTOR * 4.0 * activationsPerImage(spec) * batch);
  }

  /** Refuses {@code config} when its estimate exceeds this machine's physical memory. */
  public static void check(TrainingConfig config) {
    long machine = physicalMemory();
    if (machine <= 0) return;
    int batch = config.batchSize();
    try {
      if (org.facenet.loss.Losses.create(config.loss(), config.lossOptions()).needsIdentityBatches()) {
        batch = config.peoplePerBatch() * config.imagesPerPerson();
      }
    } catch (IllegalArgumentException e) {
      return; // the loss is checked and named elsewhere
    }
    long need = trainingBytes(config.model(), batch);
    if (need > machine) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "--image-size %d with a batch of %d images needs "
          + "about %.1f GB for training (%s), more than this machine's %.1f GB; lower --image-size or --batch-size",
          config.model().imageSize(), batch, need / 1e9, config.model().backbone(), machine / 1e9));
    }
  }

  /** The machine's physical memory in bytes, or 0 when the JVM cannot tell. */
  static long physicalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 0;
  }
}
