package org.facenet.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * P identities x K images per batch, for metric losses (FaceNet's sample_people, Hermans et al.'s PK batches).
 * Identities are drawn without replacement within a batch; K images of each without replacement when it has at
 * least K; an identity with fewer than K images contributes each of them once and repeats some to fill its K
 * places (augmentation makes the copies differ). Identities with a single image are
 * never drawn: they have no positive pair. A data set with fewer eligible identities than P is refused
 * ({@link #check}), not trained on smaller batches.
 */
public final class PersonBatchSampler implements BatchSampler {

  private final ImageDataset dataset;
  private final int people;
  private final int perPerson;
  private final SplittableRandom random;
  private final int[] eligible;

  /** A sampler of P x K batches; the data set must pass {@link #check}. */
  public PersonBatchSampler(ImageDataset dataset, int peoplePerBatch, int imagesPerPerson, long seed) {
    List<Integer> ok = check(dataset, peoplePerBatch, imagesPerPerson);
    this.dataset = dataset;
    this.people = peoplePerBatch;
    this.perPerson = imagesPerPerson;
    this.random = new SplittableRandom(seed);
    this.eligible = ok.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Refuses, before anything is created, a data set that cannot fill P x K batches: fewer than 2 identities with 2 or
   * more images, or fewer such identities than {@code peoplePerBatch} ("--people-per-batch 16 but only 3 identities
   * have >= 2 images"). Returns the eligible identities (those with 2 or more images).
   */
  public static List<Integer> check(ImageDataset dataset, int peoplePerBatch, int imagesPerPerson) {
    if (peoplePerBatch < 1 || imagesPerPerson < 1) {
      throw new IllegalArgumentException("--people-per-batch and --images-per-person must be >= 1, got "
          + peoplePerBatch + " and " + imagesPerPerson);
    }
    List<Integer> ok = new ArrayList<>();
    for (int c = 0; c < dataset.numClasses(); c++) if (dataset.imagesOfClass(c).size() >= 2) ok.add(c);
    if (ok.size() < 2) {
      throw new DatasetException(dataset.root() + ": metric losses need at least 2 identities with >= 2 images; "
          + "the data set has " + ok.size() + " (of " + dataset.numClasses() + " identities)");
    }
    if (ok.size() < peoplePerBatch) {
      throw new DatasetException("--people-per-batch " + peoplePerBatch + " but only " + ok.size() + " identities have"
          + " >= 2 images in " + dataset.root() + " (of " + dataset.numClasses() + "); lower --people-per-batch to at"
          + " most " + ok.size());
    }
    return ok;
  }

  /** The batch size: P x K. */
  public int batchSize() {
    return people * perPerson;
  }

  @Override
  public int[] next() {
    int[] ids = eligible.clone();
    int[] batch = new int[people * perPerson];
    for (int p = 0; p < people; p++) {
      int j = p + random.nextInt(ids.length - p);
      int t = ids[p];
      ids[p] = ids[j];
      ids[j] = t;
      List<Integer> imgs = dataset.imagesOfClass(ids[p]);
      int[] pick = imgs.stream().mapToInt(Integer::intValue).toArray();
      for (int k = 0; k < perPerson; k++) {
        if (k < pick.length) {
          int m = k + random.nextInt(pick.length - k);
          int u = pick[k];
          pick[k] = pick[m];
          pick[m] = u;
          batch[p * perPerson + k] = pick[k];
        } else {
          batch[p * perPerson + k] = pick[random.nextInt(pick.length)];
        }
      }
    }
    return batch;
  }

  @Override
  public int replacement(int badIndex, IntPredicate usable, SplittableRandom r) {
    List<Integer> same = dataset.imagesOfClass(dataset.images().get(badIndex).label());
    List<Integer> good = same.stream().filter(usable::test).toList();
    if (!good.isEmpty()) return good.get(r.nextInt(good.size()));
    for (int attempt = 0; attempt < 10 * dataset.images().size(); attempt++) {
      int i = r.nextInt(dataset.images().size());
      if (usable.test(i)) return i;
    }
    throw new DatasetException(dataset.root() + ": no readable image left in the data set");
  }
}
