package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.facenet.train.SignalStop;
import org.facenet.train.TinyDatasetFixture;
import org.junit.jupiter.api.Test;

/**
 * facenet-train in a process of its own, as a user runs it, stopped by SIGINT (a checkpoint at the current step,
 * exit 130, a message saying how to resume) and by kill -9 (the next --resume starts from the last whole checkpoint).
 */
class TrainInterruptTest extends TinyDatasetFixture {

  /** A tiny model with a step count that would take hours. */
  private static List<String> tinyTraining(String runName, int checkpointEvery) {
    return List.of("train", "--data", data.toString(), "--models-dir", dir.resolve("models").toString(),
        "--run-name", runName, "--image-size", "75", "--width", "0.125", "--depth", "0.2", "--embedding-size", "16",
        "--batch-size", "8", "--epoch-size", "5", "--max-epochs", "100000", "--checkpoint-every",
        Integer.toString(checkpointEvery), "--input-threads", "1", "--no-export");
  }

  /** A running facenet-train with its stdout lines collected as they come. */
  private record Child(Process process, List<String> lines) {
    static Child start(List<String> args) throws Exception {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xss8m", "-Xmx1500m", "-cp", System.getProperty("java.class.path"), FacenetCommand.class.getName()));
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
      Process p = pb.start();
      List<String> lines = new CopyOnWriteArrayList<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String l; (l = r.readLine()) != null; ) lines.add(l);
        } catch (java.io.IOException e) {
          lines.add("(read failed: " + e + ")");
        }
      });
      reader.setDaemon(true);
      reader.start();
      return new Child(p, lines);
    }

    /** Waits (up to minutes on a loaded machine) until a training step has been printed. */
    void awaitTraining() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (lines.stream().noneMatch(l -> l.startsWith("step "))) {
        assertTrue(process.isAlive(), "facenet-train ended before training: " + lines);
        assertTrue(System.nanoTime() < deadline, "no training step printed: " + lines);
        Thread.sleep(100);
      }
    }

    int awaitExit() throws InterruptedException {
      assertTrue(process.waitFor(5, TimeUnit.MINUTES), "still running: " + lines);
      return process.exitValue();
    }
  }

  /** Whether this process ignores SIGINT (a child then inherits that, and the JVM leaves it ignored). */
  private static boolean sigintIgnored() throws Exception {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) return false;
    for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
      if (line.startsWith("SigIgn:")) return (Long.parseLong(line.substring(7).strip(), 16) & 0x2) != 0;
    }
    return false;
  }

  @Test
  void sigintSavesACheckpointAtTheCurrentStepExits130AndResumeContinuesFromIt() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(sigintIgnored(), "SIGINT is ignored in this environment");
    Child child = Child.start(tinyTraining("sigint", 100000));
    child.awaitTraining();
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.process().pid())).start();
    assertEquals(0, kill.waitFor());
    assertEquals(130, child.awaitExit(), child.lines().toString());
    Path run = dir.resolve("models/sigint");
    Matcher m = Pattern.compile("interrupted at step (\\d+); resume with --resume " + Pattern.quote(run.toString()))
        .matcher(String.join("\n", child.lines()));
    assertTrue(m.find(), child.lines().toString());
    long step = Long.parseLong(m.group(1));
    assertTrue(step > 0, "training had started: " + step);
    // no periodic checkpoint would have been written before step 100000: this one is the signal's
    assertTrue(Files.isRegularFile(run.resolve(String.format("checkpoints/step-%08d/model.index", step))));

    CommandsTest.Run resumed = CommandsTest.run("train", "--resume", run.toString(),
        "--max-epochs", Long.toString(step / 5 + 1), "--no-export");
    assertEquals(0, resumed.exit(), resumed.err() + resumed.out());
    assertTrue(resumed.out().contains("at step " + step), resumed.out());
    assertTrue(resumed.out().contains("trained steps " + step + ".." + (step / 5 + 1) * 5), resumed.out());
  }

  @Test
  void afterKillDashNineResumeStartsFromTheLastWholeCheckpoint() throws Exception {
    Child child = Child.start(tinyTraining("kill9", 2));
    Path checkpoints = dir.resolve("models/kill9/checkpoints");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!Files.isRegularFile(checkpoints.resolve("step-00000004/model.index"))) {
      assertTrue(child.process().isAlive() && System.nanoTime() < deadline, child.lines().toString());
      Thread.sleep(20);
    }
    child.process().destroyForcibly(); // SIGKILL
    child.awaitExit();
    CommandsTest.Run resumed = CommandsTest.run("train", "--resume", dir.resolve("models/kill9").toString(),
        "--max-epochs", "3", "--no-export");
    assertEquals(0, resumed.exit(), resumed.err() + resumed.out());
    Matcher m = Pattern.compile("resumed \\S+step-(\\d{8}) at step (\\d+)").matcher(resumed.out());
    assertTrue(m.find(), resumed.out());
    assertTrue(Long.parseLong(m.group(2)) >= 4, resumed.out());
    assertTrue(resumed.out().contains("..15 "), resumed.out());
  }

  @Test
  void theExitCodesAreTheShellsFor128PlusTheSignal() {
    assertEquals(130, SignalStop.exitCode("SIGINT"));
    assertEquals(143, SignalStop.exitCode("SIGTERM"));
  }
}
