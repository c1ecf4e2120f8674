package org.facenet.distribute;

import java.lang.reflect.Constructor;
import org.bytedeco.javacpp.BytePointer;
import org.facenet.runtime.NativeGraphs;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.ConfigProto;

/**
 * The one bridge between TensorFlow Java 1.1.0 and a remote session. {@link Session}'s public constructors pass no
 * target to the native allocation, so every Java session is local; the native library has {@code TF_SetTarget} and
 * the gRPC session. This class builds the {@code TF_Session} through the JavaCPP C API with a target
 * ({@code grpc://host:port}) and wraps it in a {@link Session} with Session's package-private
 * {@code (Graph, TF_Session)} constructor, which is what {@code Graph}'s own code uses. It relies on that non-public
 * constructor of TensorFlow Java (and on the graph's native handle, from {@link NativeGraphs});
 * {@code GrpcSessionsTest} fails loudly if a TensorFlow Java release changes them.
 */
public final class GrpcSessions {

  private GrpcSessions() {}

  /** A session on {@code graph} that runs it on the TensorFlow server at {@code target} (e.g. grpc://localhost:2222). */
  public static Session open(Graph graph, String target, ConfigProto config) {
    TF_Session handle = NativeGraphs.withHandle(graph, "distributed training", graphHandle -> {
      TF_Status status = TF_Status.newStatus();
      TF_SessionOptions options = TF_SessionOptions.newSessionOptions();
      tensorflow.TF_SetTarget(options, target);
      BytePointer bytes = new BytePointer(config.toByteArray());
      tensorflow.TF_SetConfig(options, bytes, bytes.capacity(), status);
      status.throwExceptionIfNotOK();
      TF_Session session = TF_Session.newSession(graphHandle, options, status);
      status.throwExceptionIfNotOK();
      session.retainReference();
      return session;
    });
    try {
      Constructor<Session> c = Session.class.getDeclaredConstructor(Graph.class, TF_Session.class);
      c.setAccessible(true);
      return c.newInstance(graph, handle);
    } catch (ReflectiveOperationException e) {
      throw incompatible("Session(Graph, TF_Session)", e);
    }
  }

  private static IllegalStateException incompatible(String member, Exception cause) {
    return new IllegalStateException("this TensorFlow Java has no " + member + ", which distributed training uses to "
        + "open a session on a TensorFlow server (written for TensorFlow Java 1.1.0): see org.facenet.distribute."
        + "GrpcSessions", cause);
  }
}
