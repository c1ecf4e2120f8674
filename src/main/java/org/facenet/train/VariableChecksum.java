package org.facenet.train;

import java.util.List;
import java.util.Locale;
import org.facenet.nn.VariableStore;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * The sum and the sum of squares, in float64, of every trainable variable: two numbers that differ between replicas
 * as soon as one weight does, printed by each worker of a distributed run so that anyone can compare them.
 */
public record VariableChecksum(long step, long values, double sum, double sumOfSquares) {

  public static VariableChecksum of(Session session, List<VariableStore.Entry> variables, long step) {
    Session.Runner runner = session.runner();
    for (VariableStore.Entry e : variables) runner.fetch(e.read());
    double sum = 0;
    double squares = 0;
    long n = 0;
    try (Result r = runner.run()) {
      for (int i = 0; i < variables.size(); i++) {
        FloatDataBuffer b = ((TFloat32) r.get(i)).asRawTensor().data().asFloats();
        for (long k = 0; k < b.size(); k++) {
          double v = b.getFloat(k);
          sum += v;
          squares += v * v;
        }
        n += b.size();
      }
    }
    return new VariableChecksum(step, n, sum, squares);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "step %d: %d trainable values, sum %.17g, sum of squares %.17g", step, values,
        sum, sumOfSquares);
  }
}
