package org.facenet.cli;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.facenet.train.TrainingConfig;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The settings a user gave explicitly on {@code train --resume RUN}, as run.properties entries for
 * {@link org.facenet.train.ResumeSettings}: each option named on the command line maps to its entry (the option's
 * name in snake case, loss options under "loss."), with the value it gives in {@code asked}, the settings the same
 * command line would start a run with. Options that are no setting of a run only get a warning.
 */
final class ResumeFlags {

  /** Options whose entry is not their name in snake case. */
  private static final Map<String, String> KEYS = Map.of("--data", "data_dir", "--pairs", "pairs_file",
      "--threads", "tf_threads", "--squared-distance", "loss.squared");

  /** Options that are about this invocation, not the run. */
  private static final Set<String> INVOCATION = Set.of("--resume", "--no-export", "--help", "--version");

  private ResumeFlags() {}

  static Map<String, String> asked(ParseResult parsed, TrainingConfig asked, Consumer<String> warnings) {
    Properties p = asked.toProperties();
    Map<String, String> out = new LinkedHashMap<>();
    for (OptionSpec o : parsed.matchedOptions()) {
      String name = o.longestName();
      if (INVOCATION.contains(name)) continue;
      String key = key(o);
      if (p.containsKey(key)) out.put(key, p.getProperty(key));
      else warnings.accept(name + " has no effect with --resume");
    }
    return out;
  }

  static String key(OptionSpec o) {
    String name = o.longestName();
    String key = KEYS.getOrDefault(name, name.replaceFirst("^--", "").replace('-', '_').toLowerCase(Locale.ROOT));
    boolean loss = o.userObject() instanceof Field f && f.getDeclaringClass() == LossFlags.class;
    return loss && !key.startsWith("loss.") ? "loss." + key : key;
  }
}
