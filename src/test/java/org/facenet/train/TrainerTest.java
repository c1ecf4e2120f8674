package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.facenet.data.Augmentation;
import org.facenet.loss.LossOptions;
import org.facenet.nn.BackboneConfig;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop end to end on a tiny model and a tiny image set. */
public class TrainerTest {

  public static final ModelSpec TINY = new ModelSpec("inception-resnet-v1", 75, new BackboneConfig(16, 1f, 0.125f, 0.2f), 0f,
      Standardization.FIXED);

  @TempDir
  Path dir;

  /** Four classes told apart by colour, with noise; one corrupt file among them. */
  static Path tinyDataset(Path root) throws Exception {
    Color[] colours = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};
    Random r = new Random(5);
    for (int c = 0; c < colours.length; c++) {
      Path cls = Files.createDirectories(root.resolve("class_" + c));
      for (int i = 0; i < 6; i++) {
        BufferedImage img = new BufferedImage(80, 80, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, 80, 80);
        g.setColor(colours[c]);
        g.fillOval(10 + r.nextInt(20), 10 + r.nextInt(20), 40, 40);
        g.dispose();
        ImageIO.write(img, "png", cls.resolve(String.format("%04d.png", i + 1)).toFile());
      }
    }
    Files.write(root.resolve("class_0").resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
    return root;
  }

  public static TrainingConfig config(Path data, int epochs, double lr, OptimizerKind optimizer) {
    return new TrainingConfig(TINY, "softmax", LossOptions.defaults(), data, 1, optimizer, lr, null, epochs, 5, 8, 1,
        new Augmentation(false, true, 0f), 5, null, null, 0, 1, 4, 2, false);
  }

  @Test
  void lossFallsAndBadImageIsSkippedAndCounted() throws Exception {
    Path data = tinyDataset(dir.resolve("data"));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TrainingResult result = new Trainer(new PrintStream(log, true), false)
        .train(config(data, 6, 0.01, OptimizerKind.ADAM), dir.resolve("run"));
    assertEquals(30, result.lastStep());
    assertEquals(1, result.skippedImages(), log.toString());
    assertTrue(log.toString().contains("broken.jpg"), "the warning names the bad file:\n" + log);
    double first = Double.parseDouble(log.toString().lines().filter(l -> l.startsWith("step 1/")).findFirst().orElseThrow()
        .replaceAll("^.*?loss (\\S+).*", "$1"));
    assertTrue(result.lastLoss() < first * 0.7, "loss fell from " + first + " to " + result.lastLoss() + "\n" + log);
    assertEquals(30, Checkpoints.stepOf(result.checkpoint()));
  }

  @Test
  void resumeContinuesTheStepCounter() throws Exception {
    Path data = tinyDataset(dir.resolve("data"));
    Path run = dir.resolve("run");
    Trainer trainer = new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false);
    TrainingResult first = trainer.train(config(data, 1, 0.01, OptimizerKind.ADAM), run);
    assertEquals(5, first.lastStep());
    TrainingResult second = trainer.resume(run, 2);
    assertEquals(5, second.firstStep());
    assertEquals(10, second.lastStep());
    assertEquals(10, Checkpoints.stepOf(new Checkpoints(run, 3).latest().orElseThrow()));
    IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
        () -> trainer.train(config(data, 1, 0.01, OptimizerKind.ADAM), run));
    assertTrue(again.getMessage().contains("--resume"), again.getMessage());
  }

  @Test
  void divergingLossStopsAndKeepsTheLastGoodCheckpoint() throws Exception {
    Path data = tinyDataset(dir.resolve("data"));
    Path run = dir.resolve("run");
    Trainer trainer = new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> trainer.train(config(data, 4, 1e30, OptimizerKind.SGD), run));
    assertTrue(e.getMessage().contains("last good checkpoint"), e.getMessage());
    Path latest = new Checkpoints(run, 3).latest().orElseThrow();
    assertTrue(e.getMessage().contains(latest.getParent().toString()), e.getMessage());
  }
}
