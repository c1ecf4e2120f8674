package org.facenet.nn;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A feature extractor: standardised images [N, H, W, 3] to prelogits [N, embeddingSize] (the
 * bottleneck output, before L2 normalisation). Implementations build their layers with
 * {@link Layers}, so that batch-norm mode, weight decay and variable sharing between towers come
 * for free; register a new one in {@link Backbones} and every command can use it.
 */
public interface Backbone {

  /** Registry name, e.g. "inception-resnet-v1". */
  String name();

  /** The input side the backbone was designed for, in pixels. */
  int defaultImageSize();

  /** The smallest input side that still gives a non-empty feature map. */
  int minImageSize();

  /** Where the architecture comes from and the reference parameter count, for the graphs/ file's header. */
  default String reference() {
    return "";
  }

  /** Builds the network in {@code layers}' tower; returns the prelogits. */
  Operand<TFloat32> build(Layers layers, Operand<TFloat32> images, BackboneConfig config);
}
