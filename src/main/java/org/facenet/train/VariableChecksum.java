package org.facenet.train;

import java.util.List;
import java.util.Locale;
import org.facenet.nn.VariableStore;
import org.tensorflow.Session;

/**
 * The sum and the sum of squares, in float64, of every trainable variable: two numbers that differ between replicas
 * as soon as one weight does, printed by each worker of a distributed run so that anyone can compare them.
 */
public record VariableChecksum(long step, long values, double sum, double sumOfSquares) {

  public static VariableChecksum of(Session session, List<VariableStore.Entry> variables, long step) {
    double sum = 0;
    double squares = 0;
    long n = 0;
    for (float[] values : VariableStore.read(session, variables)) {
      for (float v : values) {
        sum += v;
        squares += (double) v * v;
      }
      n += values.length;
    }
    return new VariableChecksum(step, n, sum, squares);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "step %d: %d trainable values, sum %.17g, sum of squares %.17g", step, values,
        sum, sumOfSquares);
  }
}
