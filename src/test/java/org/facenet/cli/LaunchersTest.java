package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bash launchers in tools/: what they pass through, what they hide, their exit codes. */
class LaunchersTest {

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  private static final String NOISE_1 = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR";
  private static final String NOISE_2 = "I0000 00:00:1796113768.930040   14730 mlir_graph_optimization_pass.cc:401] "
      + "MLIR V1 optimization pass is not enabled";
  private static final String NOISE_3 = "I0000 00:00:1796113769.001122   14731 auto_mixed_precision.cc:2349] "
      + "Converted 812/2210 nodes to bfloat16 precision using 88 cast(s) to bfloat16";
  private static final String KEPT_ERROR = "E0000 00:00:1796113769.5   14731 some_kernel.cc:12] a real TensorFlow error";

  private Run run(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("TF_CPP_MIN_LOG_LEVEL");
    pb.environment().remove("TF_ENABLE_ONEDNN_OPTS"); // the launcher's default is under test, not this shell's
    pb.environment().putAll(env);
    Process p = pb.start();
    // read to the end of both pipes: stderr ends when the launcher's filter has passed on its last line
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out, err);
  }

  /** A stand-in for java that writes TensorFlow's start-up lines and a few of its own to stderr, and exits 7. */
  private Map<String, String> fakeJava() throws Exception {
    Path java = dir.resolve("fake-java");
    Files.writeString(java, String.join("\n", "#!/usr/bin/env bash",
        "echo 'first line'",
        "echo 'error: before' >&2",
        "echo '" + NOISE_1 + "' >&2",
        "echo '" + NOISE_2 + "' >&2",
        "echo '" + KEPT_ERROR + "' >&2",
        "echo '" + NOISE_3 + "' >&2",
        "echo 'args:' \"$@\"",
        "printf 'error: last, no newline' >&2",
        "exit 7", ""));
    Files.setPosixFilePermissions(java, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE));
    return Map.of("FACENET_JAVA", java.toString(), "FACENET_JAR", dir.resolve("facenet-java.jar").toString());
  }

  /**
   * Runs a launcher with its stderr (and nothing else) on this process's stdout, through a bash pipeline that ends
   * only when every writer of the launcher's stderr, its filter included, is done: java.lang.Process stops reading a
   * pipe when its child exits, which may be before the filter has written its last line.
   */
  private Run stderrOf(Map<String, String> env, String... command) throws Exception {
    String[] all = new String[command.length + 3];
    all[0] = "bash";
    all[1] = "-c";
    all[2] = "set -o pipefail; \"$0\" \"$@\" 2>&1 >/dev/null | cat";
    System.arraycopy(command, 0, all, 3, command.length);
    Run r = run(env, all);
    return new Run(r.exit(), "", r.out());
  }

  @Test
  void tensorFlowStartUpLinesAreHiddenUnlessVerboseAndExitCodeAndOrderAreKept() throws Exception {
    Map<String, String> quietEnv = new java.util.HashMap<>(fakeJava());
    quietEnv.put("FACENET_QUIET_TF", "1"); // as on a terminal
    for (int i = 0; i < 20; i++) { // the filter is a second process: the order and the last line must hold every time
      Run quiet = stderrOf(quietEnv, "tools/facenet-cluster", "x.csv");
      assertEquals(7, quiet.exit());
      // the filter ends a last line without a newline with one
      assertEquals("error: before\n" + KEPT_ERROR + "\nerror: last, no newline\n", quiet.err());
    }
    Run out = run(quietEnv, "tools/facenet-cluster", "x.csv");
    assertEquals(7, out.exit());
    // the launcher always passes -Dfile.encoding=UTF-8 (text files and stdout are UTF-8 whatever the locale)
    assertTrue(out.out().startsWith("first line\nargs: -Dfile.encoding=UTF-8 -jar "), out.out());
    assertTrue(out.out().endsWith("facenet-java.jar cluster x.csv\n"), out.out());

    String all = "error: before\n" + NOISE_1 + "\n" + NOISE_2 + "\n" + KEPT_ERROR + "\n" + NOISE_3
        + "\nerror: last, no newline";
    Run verbose = run(quietEnv, "tools/facenet-cluster", "--verbose", "x.csv");
    assertEquals(7, verbose.exit());
    assertEquals(all, verbose.err());
    // a log level set by the user is the user's choice: nothing is hidden
    Map<String, String> env = new java.util.HashMap<>(quietEnv);
    env.put("TF_CPP_MIN_LOG_LEVEL", "1");
    assertEquals(all, run(env, "tools/facenet", "embed").err());
    // stderr a pipe (not a terminal) and no FACENET_QUIET_TF: not filtered, the JVM writes the pipe itself
    assertEquals(all, run(fakeJava(), "tools/facenet-cluster", "x.csv").err());
  }

  @Test
  void trainDetectAndAlignRunWithOneDnnUnlessTheUserSetsItOthersAsTensorFlowChooses() throws Exception {
    Path java = dir.resolve("env-java");
    Files.writeString(java, "#!/usr/bin/env bash\necho \"onednn=${TF_ENABLE_ONEDNN_OPTS-unset}\"\n");
    Files.setPosixFilePermissions(java, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE));
    Map<String, String> env = new java.util.HashMap<>(Map.of("FACENET_JAVA", java.toString(),
        "FACENET_JAR", dir.resolve("facenet-java.jar").toString()));
    for (String[] c : List.of(new String[] {"tools/facenet-train"}, new String[] {"tools/facenet", "detect", "x.jpg"},
        new String[] {"tools/facenet", "--verbose", "align", "a", "b"})) {
      assertEquals("onednn=1\n", run(env, c).out(), c[0]);
    }
    for (String[] c : List.of(new String[] {"tools/facenet-embed", "dir"}, new String[] {"tools/facenet-cluster", "x"})) {
      assertEquals("onednn=unset\n", run(env, c).out(), c[0]);
    }
    env.put("TF_ENABLE_ONEDNN_OPTS", "0"); // the user's own setting wins
    assertEquals("onednn=0\n", run(env, "tools/facenet-train").out());
  }

  @Test
  void benchMeasuresTrainingWithOneDnnAsTrainingRunsAndEmbeddingApartUnlessTheUserSetsIt() throws Exception {
    Path java = dir.resolve("env-java");
    Files.writeString(java, "#!/usr/bin/env bash\n"
        + "echo \"onednn=${TF_ENABLE_ONEDNN_OPTS-unset} apart=${" + BenchCommand.EMBED_APART + "-unset}\"\n");
    Files.setPosixFilePermissions(java, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE));
    Map<String, String> env = new java.util.HashMap<>(Map.of("FACENET_JAVA", java.toString(),
        "FACENET_JAR", dir.resolve("facenet-java.jar").toString()));
    assertEquals("onednn=1 apart=1\n", run(env, "tools/facenet", "bench", "--synthetic-preset").out());
    assertEquals("onednn=1 apart=1\n", run(env, "tools/facenet", "--verbose", "bench").out());
    // detection has no embedding measurement: the whole process with oneDNN, as detect runs
    assertEquals("onednn=1 apart=unset\n", run(env, "tools/facenet", "bench", "--detect", "x.jpg").out());
    env.put("TF_ENABLE_ONEDNN_OPTS", "0"); // the user's own setting wins, for every measurement
    assertEquals("onednn=0 apart=unset\n", run(env, "tools/facenet", "bench").out());
  }

  @Test
  void lossTableHasAHelpAndChecksItsArguments() throws Exception {
    Run help = run(Map.of(), "tools/loss-table", "--help");
    assertEquals(0, help.exit(), help.err());
    assertTrue(help.out().startsWith("Usage: tools/loss-table"), help.out());
    assertEquals("", help.err());
    for (List<String> bad : List.of(List.of("--loss", "softmax"), List.of("stray"))) {
      Run r = run(Map.of(), java.util.stream.Stream.concat(java.util.stream.Stream.of("tools/loss-table"), bad.stream())
          .toArray(String[]::new));
      assertEquals(2, r.exit(), bad + ": " + r.err());
      assertTrue(r.err().startsWith("loss-table: "), r.err());
      assertEquals("", r.out(), "no table header on a usage error");
    }
    Run unknown = run(Map.of("LOSSES", "softmax nope"), "tools/loss-table");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("unknown loss 'nope'"), unknown.err());
  }

  @Test
  void lossTablePinsThePlainRecipeAndLetsTheUsersOptionsReplaceItsOwn() throws Exception {
    // facenet-train takes an option once: the budget's --max-epochs 4 must give way to the user's, not be repeated
    Path java = dir.resolve("args-java");
    Files.writeString(java, "#!/usr/bin/env bash\ncase \" $* \" in *' --version '*) exit 0 ;; esac\n"
        + "echo \"args: $*\"\nexit 7\n");
    Files.setPosixFilePermissions(java, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE));
    Path jar = Files.createFile(dir.resolve("facenet-java.jar"));
    Files.createDirectory(dir.resolve("lib"));
    Run r = run(Map.of("FACENET_JAVA", java.toString(), "FACENET_JAR", jar.toString(), "LOSSES", "cosface",
        "OUT", dir.resolve("out").toString()), "tools/loss-table", "--max-epochs", "2", "--margin-warmup-fraction=0.3");
    assertEquals(0, r.exit(), r.err());
    String row = r.out().lines().filter(l -> l.startsWith("| cosface | failed: args: ")).findFirst().orElseThrow(
        () -> new AssertionError(r.out()));
    assertTrue(row.contains(" --loss cosface "), row);
    assertTrue(row.contains(" --width 0.25 ") && row.contains(" --lr-schedule constant --warmup-fraction 0 "), row);
    assertTrue(row.contains(" --moving-average-decay 0 "), row);
    assertTrue(row.contains(" --max-epochs 2 ") && !row.contains("--max-epochs 4"), row);
    assertTrue(row.contains(" --margin-warmup-fraction=0.3") && !row.contains("--margin-warmup-fraction 0 "), row);
  }
}
