package org.facenet.nn;

/**
 * Size knobs common to every backbone.
 *
 * @param embeddingSize   width of the bottleneck (the embedding)
 * @param keepProbability dropout keep probability before the bottleneck (training tower only)
 * @param width           channel multiplier; 1.0 is the published architecture, smaller values are
 *                        reduced variants for fast runs and tests
 * @param depth           repeat multiplier for the repeated blocks; 1.0 is the published architecture
 */
public record BackboneConfig(int embeddingSize, float keepProbability, float width, float depth) {

  public BackboneConfig {
    if (embeddingSize < 1) throw new IllegalArgumentException("embedding size must be >= 1, got " + embeddingSize);
    if (!(keepProbability > 0f && keepProbability <= 1f)) {
      throw new IllegalArgumentException("keep probability must be in (0, 1], got " + keepProbability);
    }
    if (!(width > 0f)) throw new IllegalArgumentException("width must be > 0, got " + width);
    if (!(depth > 0f)) throw new IllegalArgumentException("depth must be > 0, got " + depth);
  }

  /** {@code channels} scaled by the width multiplier, at least 1. */
  public int channels(int channels) {
    return Math.max(1, Math.round(channels * width));
  }

  /** {@code repeats} scaled by the depth multiplier, at least 1. */
  public int repeats(int repeats) {
    return Math.max(1, Math.round(repeats * depth));
  }

  public boolean isPublishedSize() {
    return width == 1f && depth == 1f;
  }
}
