package org.facenet.loss;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The loss registry behind {@code facenet-train --loss NAME}. */
public final class Losses {

  private static final Map<String, Function<LossOptions, Loss>> REGISTRY = new TreeMap<>();

  static {
    register("softmax", options -> new SoftmaxLoss());
    register("triplet-batch-hard", options -> new TripletLoss(TripletLoss.Variant.BATCH_HARD, options));
    register("triplet-batch-all", options -> new TripletLoss(TripletLoss.Variant.BATCH_ALL, options));
    register("triplet-semi-hard", options -> new TripletLoss(TripletLoss.Variant.SEMI_HARD, options));
    register("contrastive", ContrastiveLoss::new);
    register("center", CenterLoss::new);
    register("l2-softmax", L2SoftmaxLoss::new);
    register("am-softmax", MarginSoftmaxLoss::amSoftmax);
    register("cosface", MarginSoftmaxLoss::cosFace);
    register("arcface", MarginSoftmaxLoss::arcFace);
  }

  private Losses() {}

  public static synchronized void register(String name, Function<LossOptions, Loss> factory) {
    REGISTRY.put(name, factory);
  }

  public static synchronized Loss create(String name, LossOptions options) {
    Function<LossOptions, Loss> f = REGISTRY.get(name);
    if (f == null) throw new IllegalArgumentException("unknown loss '" + name + "'; known: " + String.join(", ", names()));
    return PrelogitsNormPenalty.wrap(f.apply(options), options);
  }

  public static synchronized List<String> names() {
    return new ArrayList<>(REGISTRY.keySet());
  }
}
