package org.facenet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.internal.c_api.TF_Operation;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.op.Ops;

/**
 * The reach into TensorFlow Java's non-public Graph.ref() and Reference.nativeHandle(): if a release changes them,
 * this fails here, by name, rather than in distributed training or --replicas.
 */
class NativeGraphsTest {

  @Test
  void theHandleIsTheGraphsOwn() {
    try (Graph g = new Graph()) {
      Ops.create(g).withName("seven").constant(7f);
      String type = NativeGraphs.withHandle(g, "this test", handle -> {
        TF_Operation op = tensorflow.TF_GraphOperationByName(handle, "seven");
        assertFalse(op == null || op.isNull(), "the graph's op by name through the native handle");
        assertTrue(tensorflow.TF_GraphOperationByName(handle, "eight") == null
            || tensorflow.TF_GraphOperationByName(handle, "eight").isNull());
        return tensorflow.TF_OperationOpType(op).getString();
      });
      assertEquals("Const", type);
    }
  }

  @Test
  void aFailureInsideIsPassedOnAndTheGraphStaysUsable() {
    try (Graph g = new Graph()) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> NativeGraphs.withHandle(g, "this test", handle -> { throw new IllegalArgumentException("inside"); }));
      assertEquals("inside", e.getMessage());
      Ops.create(g).constant(1f); // the hold on the graph was released: it can still be built and closed
    }
  }
}
