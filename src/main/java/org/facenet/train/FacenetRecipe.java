package org.facenet.train;

import java.util.List;
import java.util.Properties;

/**
 * facenet's training options beyond the model and the loss (train_softmax.py's flags of the same names).
 *
 * @param movingAverageDecay             decay of the exponential moving average of the trainable weights, 0 off
 *                                       (facenet: 0.9999); the held-out evaluation and the export then use the
 *                                       averaged weights ({@link MovingAverages})
 * @param learningRateDecayEpochs        facenet's staircase decay: lr * factor^floor(epoch / N); 0 off
 * @param learningRateDecayFactor        that factor (facenet's default 1.0: no decay)
 * @param validationSetSplitRatio        share of each training identity's images held out as a validation set, 0 off
 * @param minImagesPerClassForValidation identities with fewer images give none to the validation set
 */
public record FacenetRecipe(double movingAverageDecay, int learningRateDecayEpochs, double learningRateDecayFactor,
    double validationSetSplitRatio, int minImagesPerClassForValidation) {

  /** None of them: no moving average, no decay, no validation split. */
  public static final FacenetRecipe NONE = new FacenetRecipe(0, 0, 1, 0, 0);

  /** Their run.properties keys. */
  static final List<String> KEYS = List.of("moving_average_decay", "learning_rate_decay_epochs",
      "learning_rate_decay_factor", "validation_set_split_ratio", "min_images_per_class_for_validation");

  public FacenetRecipe {
    if (!(movingAverageDecay >= 0 && movingAverageDecay < 1)) {
      throw new IllegalArgumentException("--moving-average-decay must be >= 0 and < 1, got " + movingAverageDecay);
    }
    if (learningRateDecayEpochs < 0) {
      throw new IllegalArgumentException("--learning-rate-decay-epochs must be >= 0, got " + learningRateDecayEpochs);
    }
    if (!(learningRateDecayFactor > 0 && learningRateDecayFactor <= 1)) {
      throw new IllegalArgumentException("--learning-rate-decay-factor must be > 0 and <= 1, got " + learningRateDecayFactor);
    }
    if (!(validationSetSplitRatio >= 0 && validationSetSplitRatio < 1)) {
      throw new IllegalArgumentException("--validation-set-split-ratio must be >= 0 and < 1, got " + validationSetSplitRatio);
    }
    if (minImagesPerClassForValidation < 0) {
      throw new IllegalArgumentException("--min-images-per-class-for-validation must be >= 0, got "
          + minImagesPerClassForValidation);
    }
  }

  public boolean averagesWeights() {
    return movingAverageDecay > 0;
  }

  Properties toProperties() {
    Properties p = new Properties();
    p.setProperty(KEYS.get(0), Double.toString(movingAverageDecay));
    p.setProperty(KEYS.get(1), Integer.toString(learningRateDecayEpochs));
    p.setProperty(KEYS.get(2), Double.toString(learningRateDecayFactor));
    p.setProperty(KEYS.get(3), Double.toString(validationSetSplitRatio));
    p.setProperty(KEYS.get(4), Integer.toString(minImagesPerClassForValidation));
    return p;
  }

  /** The recipe in run.properties entries; a run written before these options has none of them. */
  static FacenetRecipe load(Properties p) {
    return new FacenetRecipe(Double.parseDouble(p.getProperty(KEYS.get(0), "0")),
        Integer.parseInt(p.getProperty(KEYS.get(1), "0")), Double.parseDouble(p.getProperty(KEYS.get(2), "1")),
        Double.parseDouble(p.getProperty(KEYS.get(3), "0")), Integer.parseInt(p.getProperty(KEYS.get(4), "0")));
  }
}
