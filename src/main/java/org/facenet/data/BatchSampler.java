package org.facenet.data;

/** Chooses the images of each batch, as indices into {@link ImageDataset#images()}. */
public interface BatchSampler {

  int[] next();

  /**
   * A replacement for an image that turned out unreadable, drawn so the batch keeps its structure (same
   * identity where possible); {@code usable} says whether an index may be drawn.
   */
  int replacement(int badIndex, java.util.function.IntPredicate usable, java.util.SplittableRandom random);
}
