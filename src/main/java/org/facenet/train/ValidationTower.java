package org.facenet.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.facenet.data.Batch;
import org.facenet.loss.Loss;
import org.facenet.loss.LossInputs;
import org.facenet.loss.LossOutput;
import org.facenet.nn.EmbeddingModel;
import org.facenet.nn.Layers;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.VariableStore;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The loss on the validation split (facenet's validate()): the training loss and its diagnostics (accuracy for the
 * classification losses) computed by an inference tower on the same weights (batch norm on the moving statistics, no
 * dropout, no weight decay), on images and labels fed batch by batch; it updates nothing. The margin losses take the
 * training graph's own margin factor ({@link TrainingGraph#marginFactor}), fed with the value the training step used,
 * so that during a margin warm-up the validation loss is the loss being trained.
 */
public final class ValidationTower {

  private final Placeholder<TFloat32> images;
  private final Placeholder<TInt32> labels;
  private final Operand<TFloat32> marginFactor;
  private final Map<String, Operand<TFloat32>> outputs;

  private ValidationTower(Placeholder<TFloat32> images, Placeholder<TInt32> labels, Operand<TFloat32> marginFactor,
      Map<String, Operand<TFloat32>> outputs) {
    this.images = images;
    this.labels = labels;
    this.marginFactor = marginFactor;
    this.outputs = outputs;
  }

  /** The tower on {@code store}'s weights, its margin losses scaled by {@code marginFactor} (the training graph's). */
  static ValidationTower build(Ops tf, VariableStore store, ModelSpec spec, Loss loss, int numClasses,
      Operand<TFloat32> marginFactor) {
    int s = spec.imageSize();
    Placeholder<TFloat32> images = tf.withName("validation_images").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, s, s, 3)));
    Placeholder<TInt32> labels = tf.withName("validation_labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    Layers layers = Layers.tower(store, false, 0f, Layers.BatchNormConfig.FACENET);
    EmbeddingModel.Tower tower = EmbeddingModel.build(layers, images, spec);
    LossOutput out = loss.build(new LossInputs(layers, tower.prelogits(), tower.embeddings(), labels, numClasses,
        marginFactor));
    Map<String, Operand<TFloat32>> outputs = new LinkedHashMap<>();
    outputs.put("loss", out.loss());
    outputs.putAll(new TreeMap<>(out.diagnostics()));
    return new ValidationTower(images, labels, marginFactor, outputs);
  }

  /**
   * The loss and diagnostics of {@code batch}, by name ("loss", "accuracy", ...), with the margin losses at
   * {@code marginFactor} of their margin (the training step's {@link org.facenet.train.schedule.StepSchedule#marginFactor}).
   */
  public Map<String, Double> evaluate(Session session, Batch batch, double marginFactor) {
    Map<String, Double> values = new LinkedHashMap<>();
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(batch.size, batch.imageSize, batch.imageSize, 3),
            DataBuffers.of(batch.pixels, true, false));
        TInt32 y = TInt32.tensorOf(Shape.of(batch.size), DataBuffers.of(batch.labels, true, false));
        TFloat32 f = TFloat32.scalarOf((float) marginFactor)) {
      Session.Runner runner = session.runner().feed(images, x).feed(labels, y).feed(this.marginFactor, f);
      for (Operand<TFloat32> o : outputs.values()) runner.fetch(o);
      try (Result r = runner.run()) {
        int i = 0;
        for (String name : outputs.keySet()) values.put(name, (double) ((TFloat32) r.get(i++)).getFloat());
      }
    }
    return values;
  }
}
