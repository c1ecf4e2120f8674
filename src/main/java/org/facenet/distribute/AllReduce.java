package org.facenet.distribute;

import java.util.ArrayList;
import java.util.List;
import org.facenet.train.GradientTransform;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.SplitV;
import org.tensorflow.types.TFloat32;

/**
 * Gradients averaged across the workers: the gradients are flattened and concatenated, in order, into buckets of about
 * {@code bucketBytes} (a large gradient gets a bucket of its own), each bucket is one CollectiveReduceV2 mean, and the
 * result is split and reshaped back. Every worker builds the same buckets from the same graph, so the instance keys
 * ({@code firstInstanceKey}, +1, ...) agree. A step is then a few all-reduces, not one per variable.
 */
public final class AllReduce implements GradientTransform {

  private final Collectives collectives;
  private final long bucketBytes;
  private final int firstInstanceKey;
  private final List<Integer> bucketSizes = new ArrayList<>();

  AllReduce(Collectives collectives, long bucketBytes, int firstInstanceKey) {
    if (bucketBytes < 1) throw new IllegalArgumentException("bucket size must be >= 1 byte");
    this.collectives = collectives;
    this.bucketBytes = bucketBytes;
    this.firstInstanceKey = firstInstanceKey;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Output<?>> apply(Ops tf, List<Output<?>> gradients) {
    Ops scope = tf.withSubScope("all_reduce");
    List<Output<?>> out = new ArrayList<>(gradients.size());
    int start = 0;
    int bucket = 0;
    while (start < gradients.size()) {
      int end = start;
      long bytes = 0;
      while (end < gradients.size() && (end == start || bytes + 4 * size(gradients.get(end)) <= bucketBytes)) {
        bytes += 4 * size(gradients.get(end));
        end++;
      }
      List<Operand<TFloat32>> flat = new ArrayList<>();
      long[] sizes = new long[end - start];
      for (int i = start; i < end; i++) {
        Output<TFloat32> g = (Output<TFloat32>) gradients.get(i);
        flat.add(scope.reshape(g, scope.constant(new int[] {-1})));
        sizes[i - start] = size(g);
      }
      Operand<TFloat32> joined = flat.size() == 1 ? flat.get(0) : scope.concat(flat, scope.constant(0));
      Output<TFloat32> mean = collectives.reduce(scope, joined, Collectives.Merge.ADD, firstInstanceKey + bucket,
          "bucket_" + bucket);
      bucketSizes.add(end - start);
      if (end - start == 1) {
        out.add(scope.reshape(mean, scope.constant(toInts(gradients.get(start).shape()))).output());
      } else {
        SplitV<TFloat32> parts = scope.splitV(mean, scope.constant(sizes), scope.constant(0), (long) sizes.length);
        for (int i = start; i < end; i++) {
          out.add(scope.reshape(parts.output().get(i - start), scope.constant(toInts(gradients.get(i).shape()))).output());
        }
      }
      start = end;
      bucket++;
    }
    return out;
  }

  /** How many gradients each all-reduce carried, in order (known once {@link #apply} has built them). */
  public List<Integer> bucketSizes() {
    return List.copyOf(bucketSizes);
  }

  private static long size(Output<?> g) {
    Shape s = g.shape();
    if (s.isUnknown() || s.hasUnknownDimension()) {
      throw new IllegalArgumentException("all-reduce needs gradients of known shape; " + g.op().name() + " is " + s);
    }
    return s.size();
  }

  private static int[] toInts(Shape s) {
    int[] d = new int[s.numDimensions()];
    for (int i = 0; i < d.length; i++) d[i] = Math.toIntExact(s.size(i));
    return d;
  }

}
