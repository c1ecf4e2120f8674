package org.facenet.loss;

import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;

/**
 * A loss's contribution to the graph: the scalar to minimise, named scalar diagnostics for the progress
 * display (accuracy, fraction of active triplets, ...), and ops the train step must run besides the
 * gradient update (e.g. center-loss center updates).
 */
public record LossOutput(Operand<TFloat32> loss, Map<String, Operand<TFloat32>> diagnostics, List<Op> updates) {

  public LossOutput {
    diagnostics = Map.copyOf(diagnostics);
    updates = List.copyOf(updates);
  }
}
