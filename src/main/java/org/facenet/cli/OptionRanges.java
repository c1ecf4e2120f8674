package org.facenet.cli;

import java.lang.reflect.AnnotatedElement;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one range check of the command line: every option or parameter of the command about to run (mixins included)
 * that carries {@link Range} is checked after parsing and before the command does anything; a value outside its range
 * is a usage error naming the option, the range and the value (exit code 2).
 */
final class OptionRanges {

  private OptionRanges() {}

  /** An execution strategy that checks the ranges, then runs the last subcommand as picocli's RunLast does. */
  static CommandLine.IExecutionStrategy checkingThen(CommandLine.IExecutionStrategy next) {
    return parsed -> {
      for (ParseResult p = parsed; p != null; p = p.subcommand()) check(p);
      return next.execute(parsed);
    };
  }

  /** Checks every ranged argument of {@code parsed}'s command (not its subcommands). */
  static void check(ParseResult parsed) {
    CommandLine cmd = parsed.commandSpec().commandLine();
    for (ArgSpec arg : parsed.commandSpec().args()) {
      if (!(arg.userObject() instanceof AnnotatedElement element)) continue;
      Range range = element.getAnnotation(Range.class);
      if (range == null) continue;
      Object value = arg.getValue();
      if (value == null) continue;
      if (!(value instanceof Number n)) {
        throw new IllegalStateException(name(arg) + ": @Range on a non-numeric option");
      }
      String problem = problem(range, n.doubleValue());
      if (problem != null) {
        throw new ParameterException(cmd, String.format(Locale.ROOT, "%s must be %s, got %s", name(arg), problem, value));
      }
    }
  }

  /** What {@code value} violates, e.g. ">= 1", or null when it is in range. */
  static String problem(Range range, double value) {
    boolean lowOk = range.minExclusive() ? value > range.min() : value >= range.min();
    boolean highOk = value <= range.max();
    if (lowOk && highOk && !Double.isNaN(value)) return null;
    String low = Double.isInfinite(range.min()) ? null : (range.minExclusive() ? "> " : ">= ") + format(range.min());
    String high = Double.isInfinite(range.max()) ? null : "<= " + format(range.max());
    return low != null && high != null ? low + " and " + high : low != null ? low : high;
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private static String name(ArgSpec arg) {
    return arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel();
  }
}
