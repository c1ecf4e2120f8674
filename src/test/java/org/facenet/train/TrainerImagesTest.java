package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.facenet.data.DatasetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the trainer does with the images the data layer refuses: skipped and counted in the result, or refused whole. */
class TrainerImagesTest {

  @TempDir
  Path dir;

  @Test
  void aTruncatedJpegAndADecompressionBombAreSkippedAndCountedByTheTrainer() throws Exception {
    Path data = TrainerTest.tinyDataset(dir.resolve("data")); // holds one broken.jpg already
    BufferedImage noise = new BufferedImage(80, 80, BufferedImage.TYPE_INT_RGB);
    Random r = new Random(1);
    for (int y = 0; y < 80; y++) for (int x = 0; x < 80; x++) noise.setRGB(x, y, r.nextInt(1 << 24));
    Path whole = data.resolve("class_1/whole.jpg");
    ImageIO.write(noise, "jpg", whole.toFile());
    byte[] bytes = Files.readAllBytes(whole);
    Files.delete(whole);
    Files.write(data.resolve("class_1/cut.jpg"), Arrays.copyOf(bytes, bytes.length * 6 / 10));
    Files.copy(org.facenet.data.TestImagesAccess.bomb(dir.resolve("bomb.png")), data.resolve("class_2/bomb.png"));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TrainingResult result = new Trainer(new PrintStream(log, true), false)
        .train(TrainerTest.config(data, 1, 0.01, OptimizerKind.ADAM), dir.resolve("run")); // 5 batches of 8 > 27 files
    assertEquals(3, result.skippedImages(), log.toString());
    String text = log.toString();
    assertTrue(text.contains("cut.jpg") && text.contains("broken.jpg")
        && text.contains("bomb.png: 23000x23000 = 529 M pixels is over --max-image-pixels 89478485"), text);
  }

  @Test
  void oneIdentityIsRefusedBeforeTraining() throws Exception {
    Path data = TrainerTest.tinyDataset(dir.resolve("data"));
    for (String c : new String[] {"class_1", "class_2", "class_3"}) {
      try (var s = Files.list(data.resolve(c))) {
        for (Path f : s.toList()) Files.delete(f);
      }
      Files.delete(data.resolve(c));
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    DatasetException e = assertThrows(DatasetException.class, () -> new Trainer(new PrintStream(log, true), false)
        .train(TrainerTest.config(data, 2, 0.01, OptimizerKind.ADAM), dir.resolve("run")));
    assertTrue(e.getMessage().endsWith("the data set has 1 identity; classification losses need >= 2"), e.getMessage());
    assertTrue(!log.toString().contains("step 1/"), log.toString());
  }
}
