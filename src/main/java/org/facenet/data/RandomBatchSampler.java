package org.facenet.data;

import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/** Uniform batches for classification losses: the data set is shuffled each epoch and read in order. */
public final class RandomBatchSampler implements BatchSampler {

  private final int numImages;
  private final int batchSize;
  private final SplittableRandom random;
  private final int[] order;
  private int position;

  public RandomBatchSampler(int numImages, int batchSize, long seed) {
    if (numImages < 1 || batchSize < 1) throw new IllegalArgumentException("need images and a batch size >= 1");
    this.numImages = numImages;
    this.batchSize = batchSize;
    this.random = new SplittableRandom(seed);
    this.order = new int[numImages];
    for (int i = 0; i < numImages; i++) order[i] = i;
    shuffle();
  }

  private void shuffle() {
    for (int i = numImages - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    position = 0;
  }

  @Override
  public int[] next() {
    int[] batch = new int[batchSize];
    for (int i = 0; i < batchSize; i++) {
      if (position == numImages) shuffle();
      batch[i] = order[position++];
    }
    return batch;
  }

  @Override
  public int replacement(int badIndex, IntPredicate usable, SplittableRandom r) {
    for (int attempt = 0; attempt < 10 * numImages; attempt++) {
      int i = r.nextInt(numImages);
      if (usable.test(i)) return i;
    }
    throw new DatasetException("no readable image left in the data set");
  }
}
