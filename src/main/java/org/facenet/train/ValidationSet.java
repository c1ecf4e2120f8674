package org.facenet.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.facenet.data.Augmentation;
import org.facenet.data.Batch;
import org.facenet.data.BatchSampler;
import org.facenet.data.ImageDataset;
import org.facenet.data.InputPipeline;
import org.tensorflow.Session;

/**
 * The validation split's images, decoded without augmentation in a pipeline of their own and passed whole, in order,
 * through the {@link ValidationTower} at each evaluation: the mean loss and diagnostics over the images.
 */
final class ValidationSet implements AutoCloseable {

  private final int images;
  private final int batches;
  private final InputPipeline input;

  ValidationSet(ImageDataset validation, int imageSize, int batchSize, long seed, Consumer<String> warnings) {
    this.images = validation.images().size();
    this.batches = (images + batchSize - 1) / batchSize;
    this.input = new InputPipeline(validation, new InOrder(images, batchSize), imageSize, new Augmentation(false, false, 0f),
        1, 1, seed, warnings);
  }

  int images() {
    return images;
  }

  /** One pass over every image: the image-weighted mean of each output of {@code tower}, at {@code marginFactor}. */
  Map<String, Double> evaluate(Session session, ValidationTower tower, double marginFactor) throws InterruptedException {
    Map<String, Double> sums = new LinkedHashMap<>();
    long n = 0;
    for (int b = 0; b < batches; b++) {
      Batch batch = input.next();
      int size = batch.size;
      tower.evaluate(session, batch, marginFactor).forEach((k, v) -> sums.merge(k, v * size, Double::sum));
      n += size;
    }
    long total = n;
    sums.replaceAll((k, v) -> v / total);
    return sums;
  }

  @Override
  public void close() throws InterruptedException {
    input.close();
  }

  /** Batches of consecutive images, the last one of a pass shorter, then the next pass from the start. */
  private static final class InOrder implements BatchSampler {
    private final int n;
    private final int batch;
    private int next;

    InOrder(int n, int batch) {
      this.n = n;
      this.batch = batch;
    }

    @Override
    public int[] next() {
      int size = Math.min(batch, n - next);
      int[] out = new int[size];
      for (int i = 0; i < size; i++) out[i] = next + i;
      next = next + size == n ? 0 : next + size;
      return out;
    }

    @Override
    public int replacement(int badIndex, IntPredicate usable, SplittableRandom random) {
      for (int i = 1; i < n; i++) if (usable.test((badIndex + i) % n)) return (badIndex + i) % n;
      return badIndex;
    }
  }
}
