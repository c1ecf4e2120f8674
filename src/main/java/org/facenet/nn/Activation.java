package org.facenet.nn;

/** Activation applied after a layer's normalisation. */
public enum Activation {
  NONE, RELU, PRELU
}
