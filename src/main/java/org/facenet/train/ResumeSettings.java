package org.facenet.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code --resume RUN} does with settings given again: those that only steer the rest of the run (the learning
 * rate or its schedule, the epochs, the evaluations, the checkpoint interval, threads, precision, the image cache) take the new value,
 * said in one line each ("learning_rate 0.05 -> 0.01") and recorded in run.properties; those that fix the graph, the
 * data or the sampling (backbone, image size, embedding size, width, depth, loss and its options, standardisation,
 * data folder, optimizer, batch, seed, moving average, validation split, ...) cannot change, and asking for another
 * value is an error naming each of them. A new constant learning rate replaces a schedule file.
 *
 * @param config  the settings to continue with
 * @param changes one line per setting that changed
 */
public record ResumeSettings(TrainingConfig config, List<String> changes) {

  /** The run.properties keys that may change on resume. */
  public static final Set<String> CHANGEABLE = Set.of("learning_rate", "learning_rate_schedule_file", "max_epochs",
      "learning_rate_decay_epochs", "learning_rate_decay_factor", "eval_every", "pairs_file", "pairs_dir",
      "checkpoint_every", "tf_threads", "input_threads", "precision", "xla", "cache_images", "cache_memory");

  /**
   * {@code saved} with {@code asked} (run.properties entries the user gave again) applied; an
   * IllegalArgumentException names every entry that cannot change but was asked with another value.
   */
  public static ResumeSettings reconcile(TrainingConfig saved, Map<String, String> asked) {
    Properties before = saved.toProperties();
    Map<String, String> changes = new HashMap<>();
    Map<String, String> refused = new TreeMap<>();
    for (Map.Entry<String, String> e : asked.entrySet()) {
      String old = before.getProperty(e.getKey());
      if (e.getValue() == null ? old == null : same(e.getValue(), old)) continue;
      if (CHANGEABLE.contains(e.getKey())) changes.put(e.getKey(), e.getValue());
      else refused.put(e.getKey(), e.getValue());
    }
    if (!refused.isEmpty()) {
      List<String> parts = new ArrayList<>();
      refused.forEach((k, v) -> parts.add(k + " " + v + " (the run has " + before.getProperty(k, "none") + ")"));
      throw new IllegalArgumentException("--resume: these settings are the run's own and cannot change: "
          + String.join(", ", parts) + "; leave them out, or start a new run");
    }
    if (changes.containsKey("learning_rate") && !asked.containsKey("learning_rate_schedule_file")
        && before.getProperty("learning_rate_schedule_file") != null) {
      changes.put("learning_rate_schedule_file", null);
    }
    TrainingConfig config = saved.withChanges(changes);
    Properties after = config.toProperties();
    List<String> lines = new ArrayList<>();
    for (String k : new java.util.TreeSet<>(changes.keySet())) {
      lines.add(k + " " + before.getProperty(k, "none") + " -> " + after.getProperty(k, "none"));
    }
    return new ResumeSettings(config, List.copyOf(lines));
  }

  /** Equal as run.properties values: the same text, or the same number ("0.05" and "5.0E-2"). */
  private static boolean same(String a, String b) {
    if (b == null) return false;
    if (a.equals(b)) return true;
    try {
      return Double.parseDouble(a) == Double.parseDouble(b);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
