package org.facenet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code facenet} command; the tools/ launchers call its subcommands. */
@Command(name = "facenet", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Train, export and use FaceNet-style face embedding models on TensorFlow Java.",
    subcommands = {TrainCommand.class, EmbedCommand.class, ImportCommand.class, DetectCommand.class, AlignCommand.class, VerifyCommand.class, ClusterCommand.class, SynthCommand.class, GraphCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class FacenetCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Read by the tools/facenet launcher, which drops TensorFlow's native start-up lines from stderr without it. */
  @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Show TensorFlow's own log lines (start-up INFO/WARNING lines included); the launcher hides them "
          + "otherwise (default: off).")
  boolean verbose;

  public static void main(String[] args) {
    org.facenet.io.FileNameEncoding.warning().ifPresent(System.err::println);
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 bad input or usage, 3 diverged). */
  public static int execute(String... args) {
    return new CommandLine(new FacenetCommand()).setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(new ErrorHandler())
        .setExecutionStrategy(OptionRanges.checkingThen(new CommandLine.RunLast())).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
