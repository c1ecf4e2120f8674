package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new run refused at its start check (as a worker started with other flags is) takes back the run folder it wrote,
 * so that the same command runs once the cause is fixed (what a folder held before is kept: NewFilesTest).
 */
class TrainerStartFailureTest {

  @TempDir
  Path dir;

  /** One process, {@link Distribution#LOCAL} in all but its start check, which refuses the run. */
  private static final Distribution REFUSING = (Distribution) Proxy.newProxyInstance(
      Distribution.class.getClassLoader(), new Class<?>[] {Distribution.class}, (proxy, method, args) -> {
        if (method.getName().equals("checkStart")) {
          throw new IllegalArgumentException("the workers were started with different settings");
        }
        try {
          return method.invoke(Distribution.LOCAL, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });

  @Test
  void aRefusedStartLeavesNothingAndTheSameCommandThenRuns() throws Exception {
    Path data = TrainerTest.tinyDataset(dir.resolve("data"));
    TrainingConfig config = TrainerTest.config(data, 1, 0.01, OptimizerKind.ADAM);
    Path run = dir.resolve("models/run");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Trainer(out, false, StopRequest.NEVER, REFUSING).train(config, run));
    assertTrue(e.getMessage().contains("different settings"), e.getMessage());
    assertFalse(Files.exists(run), "the refused run's folder (run.properties, classes.txt, checkpoint 0) is taken back");
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("removed what this run wrote in " + run), log.toString());

    TrainingResult r = new Trainer(out, false).train(config, run);
    assertEquals(5, r.lastStep());
    assertTrue(Files.exists(run.resolve("run.properties")));
  }
}
