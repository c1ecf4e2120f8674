package org.facenet.runtime;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.Graph;
import org.tensorflow.internal.c_api.TF_Graph;

/**
 * A graph's native handle, for the C API calls TensorFlow Java 1.1.0 does not wrap (a session with a target,
 * importing nodes with input mappings). It reaches two non-public members, {@code Graph.ref()} (which holds the graph
 * open while the handle is in use) and its {@code Reference.nativeHandle()}; this is the one place that does, and
 * {@code NativeGraphsTest} fails loudly if a TensorFlow Java release changes them.
 */
public final class NativeGraphs {

  private NativeGraphs() {}

  /** What is done with the handle, inside a JavaCPP pointer scope that frees what it allocates. */
  @FunctionalInterface
  public interface WithHandle<T> {
    T apply(TF_Graph handle) throws Exception;
  }

  /**
   * Runs {@code body} with the native handle of {@code graph}, held open meanwhile. {@code user} names what needs it,
   * for the message if this TensorFlow Java lacks the members (e.g. "distributed training").
   */
  public static <T> T withHandle(Graph graph, String user, WithHandle<T> body) {
    try (AutoCloseable ref = reference(graph, user); PointerScope scope = new PointerScope()) {
      return body.apply(nativeHandle(ref, user));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static AutoCloseable reference(Graph graph, String user) {
    try {
      Method ref = Graph.class.getDeclaredMethod("ref");
      ref.setAccessible(true);
      return (AutoCloseable) ref.invoke(graph);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw incompatible("Graph.ref()", user, e);
    }
  }

  private static TF_Graph nativeHandle(AutoCloseable reference, String user) {
    try {
      Method m = reference.getClass().getDeclaredMethod("nativeHandle");
      m.setAccessible(true);
      return (TF_Graph) m.invoke(reference);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw incompatible("Graph.Reference.nativeHandle()", user, e);
    }
  }

  /** The error when a TensorFlow Java release lacks a member this project reaches by reflection. */
  public static IllegalStateException incompatible(String member, String user, Exception cause) {
    return new IllegalStateException("this TensorFlow Java has no " + member + ", which " + user + " uses (written "
        + "for TensorFlow Java 1.1.0): see org.facenet.runtime.NativeGraphs", cause);
  }
}
