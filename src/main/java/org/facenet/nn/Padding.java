package org.facenet.nn;

/** Convolution and pooling padding, as TensorFlow names it. */
public enum Padding {
  SAME, VALID
}
