package org.facenet.train;

/** The optimizers of facenet's train_softmax.py / train_tripletloss.py, with its constants. */
public enum OptimizerKind {
  /** Adam, beta1 0.9, beta2 0.999, epsilon 0.1 (facenet's; the paper's default is 1e-8). */
  ADAM,
  /** Momentum 0.9 with Nesterov. */
  MOM,
  /** RMSProp, decay 0.9, momentum 0.9, epsilon 1.0. */
  RMSPROP,
  /** Adagrad, initial accumulator 0.1 (TensorFlow's default). */
  ADAGRAD,
  /** Plain gradient descent. */
  SGD
}
