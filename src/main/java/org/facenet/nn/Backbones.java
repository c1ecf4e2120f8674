package org.facenet.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The backbone registry: every command resolves {@code --backbone NAME} here. */
public final class Backbones {

  private static final Map<String, Supplier<Backbone>> REGISTRY = new TreeMap<>();

  static {
    register("inception-resnet-v1", InceptionResNetV1::new);
    register("resnet18", ResNet::resnet18);
    register("resnet34", ResNet::resnet34);
    register("resnet50", ResNet::resnet50);
    register("resnet101", ResNet::resnet101);
    register("iresnet18", IResNet::iresnet18);
    register("iresnet34", IResNet::iresnet34);
    register("iresnet50", IResNet::iresnet50);
    register("iresnet100", IResNet::iresnet100);
  }

  private Backbones() {}

  /** Adds a backbone; a Java program may register its own before building a model. */
  public static synchronized void register(String name, Supplier<Backbone> factory) {
    REGISTRY.put(name, factory);
  }

  public static synchronized Backbone create(String name) {
    Supplier<Backbone> f = REGISTRY.get(name);
    if (f == null) {
      throw new IllegalArgumentException("unknown backbone '" + name + "'; known: " + String.join(", ", names()));
    }
    return f.get();
  }

  public static synchronized List<String> names() {
    return new ArrayList<>(REGISTRY.keySet());
  }
}
