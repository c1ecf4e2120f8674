package org.facenet.loss;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The loss registry behind {@code facenet-train --loss NAME}. */
public final class Losses {

  private static final Map<String, Supplier<Loss>> REGISTRY = new TreeMap<>();

  static {
    register("softmax", SoftmaxLoss::new);
  }

  private Losses() {}

  public static synchronized void register(String name, Supplier<Loss> factory) {
    REGISTRY.put(name, factory);
  }

  public static synchronized Loss create(String name) {
    Supplier<Loss> f = REGISTRY.get(name);
    if (f == null) throw new IllegalArgumentException("unknown loss '" + name + "'; known: " + String.join(", ", names()));
    return f.get();
  }

  public static synchronized List<String> names() {
    return new ArrayList<>(REGISTRY.keySet());
  }
}
