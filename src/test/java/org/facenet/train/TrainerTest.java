package org.facenet.train;

import org.facenet.runtime.Precision;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.facenet.data.Augmentation;
import org.facenet.data.SyntheticFaces;
import org.facenet.embed.Embedder;
import org.facenet.eval.PairsEvaluation;
import org.facenet.export.ModelExporter;
import org.facenet.export.ModelMetadata;
import org.facenet.loss.Losses;
import org.facenet.loss.LossOptions;
import org.facenet.nn.BackboneConfig;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** The training loop end to end on a tiny model and a tiny image set. */
public class TrainerTest {

  public static final ModelSpec TINY = new ModelSpec("inception-resnet-v1", 75, new BackboneConfig(16, 1f, 0.125f, 0.2f), 0f,
      Standardization.FIXED);

  @TempDir
  Path dir;

  /** Four classes told apart by colour, with noise; one corrupt file among them. */
  public static Path tinyDataset(Path root) throws Exception {
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
        new Augmentation(false, true, 0f), 5, null, null, 0, 1, 4, 2, false, 0, Precision.FLOAT32);
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
    double first = firstLoggedLoss(log);
    assertTrue(result.lastLoss() < first * 0.7, "loss fell from " + first + " to " + result.lastLoss() + "\n" + log);
    assertEquals(30, Checkpoints.stepOf(result.checkpoint()));
  }

  static double firstLoggedLoss(ByteArrayOutputStream log) {
    return Double.parseDouble(log.toString().lines().filter(l -> l.startsWith("step 1/")).findFirst().orElseThrow()
        .replaceAll("^.*?loss (\\S+).*", "$1"));
  }

  @Test
  void trainsInBfloat16AndTheRunKeepsItsPrecision() throws Exception {
    assumeTrue(Precision.BFLOAT16.cpuWarning().isEmpty(), "this CPU has no bfloat16 instructions");
    Path data = tinyDataset(dir.resolve("data"));
    Path run = dir.resolve("run16");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TrainingResult result = new Trainer(new PrintStream(log, true), false)
        .train(config(data, 6, 0.01, OptimizerKind.ADAM).withPrecision(Precision.BFLOAT16), run);
    assertEquals(30, result.lastStep());
    double first = firstLoggedLoss(log);
    assertTrue(Double.isFinite(result.lastLoss()) && result.lastLoss() < first * 0.7,
        "bfloat16 loss fell from " + first + " to " + result.lastLoss() + "\n" + log);
    assertTrue(log.toString().lines().anyMatch(l -> l.startsWith("model: ") && l.endsWith("; bfloat16")), log.toString());
    assertEquals(Precision.BFLOAT16, TrainingConfig.load(run.resolve("run.properties")).precision(), "--resume keeps it");
  }

  @Test
  void heldOutEvaluationsDuringTrainingGiveTheExportedModelsFigures() throws Exception {
    SyntheticFaces.Summary synth = SyntheticFaces.generate(dir.resolve("synth"), new SyntheticFaces.Config(1, 4, 4, 4, 3, 75, 2, 3));
    TrainingConfig config = config(synth.trainDir(), 2, 0.01, OptimizerKind.ADAM)
        .withEvaluation(synth.pairsFile(), synth.heldOutDir(), 5);
    Path run = dir.resolve("run");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new Trainer(new PrintStream(log, true), false).train(config, run);
    List<String> evaluations = log.toString().lines().filter(l -> l.contains("held-out accuracy")).toList();
    // 10 steps, every 5: step 5 only; the last step's figures are the exported model's, after training
    assertEquals(1, evaluations.size(), log.toString());
    assertTrue(evaluations.get(0).startsWith("step 5: held-out accuracy "), evaluations.get(0));

    // The inference tower in the training graph computes what the SavedModel exported from the same checkpoint does.
    Path checkpoint = run.resolve("checkpoints/step-00000005/model");
    Path model = dir.resolve("model-at-5");
    ModelExporter.export(config.model(), checkpoint, model, new ModelMetadata(config.model()));
    float[] pixels = new float[3 * 75 * 75 * 3];
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < pixels.length; i++) pixels[i] = 255 * r.nextFloat();
    try (TrainingGraph g = TrainingGraph.build(config.model(), Losses.create("softmax", LossOptions.defaults()), 4,
            Optimizer.facenet(OptimizerKind.ADAM), 1);
        Session session = new Session(g.graph);
        Embedder exported = Embedder.load(model)) {
      session.restore(checkpoint.toString());
      float[][] expected = exported.embed(pixels, 3);
      try (TFloat32 x = TFloat32.tensorOf(Shape.of(3, 75, 75, 3), DataBuffers.of(pixels, true, false));
          Result out = session.runner().feed(g.evalImages, x).fetch(g.evalEmbeddings).run()) {
        float[][] actual = Embedder.rows((TFloat32) out.get(0));
        for (int i = 0; i < 3; i++) assertArrayEquals(expected[i], actual[i], 1e-5f, "image " + i);
      }
    }
    // ... so the figures written at step 5 are the exported step-5 model's.
    PairsEvaluation.Report report = PairsEvaluation.evaluateWithBaseline(model, synth.pairsFile(), synth.heldOutDir(),
        msg -> { });
    assertTrue(evaluations.get(0).startsWith(String.format(java.util.Locale.ROOT, "step 5: held-out accuracy %.4f +- %.4f",
        report.model().accuracyMean(), report.model().accuracyStd())), evaluations.get(0) + " vs " + report.summary());
    Map<String, Float> atFive = new java.util.HashMap<>();
    try (java.util.stream.Stream<Path> files = Files.list(run)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList()) {
        for (org.tensorflow.proto.Event e : TensorBoardWriterTest.readEvents(f)) {
          if (e.getStep() != 5) continue;
          for (org.tensorflow.proto.Summary.Value v : e.getSummary().getValueList()) atFive.put(v.getTag(), v.getSimpleValue());
        }
      }
    }
    assertEquals(report.model().accuracyMean(), atFive.get("heldout/accuracy"), 1e-6, atFive.toString());
    assertEquals(report.model().auc(), atFive.get("heldout/auc"), 1e-6, atFive.toString());
    assertEquals(report.model().valMean(), atFive.get("heldout/val_at_far_1e-3"), 1e-6, atFive.toString());
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

  @Test
  void theValidationSplitsLossAndAccuracyAreLoggedAtEachEvaluationAndInTensorBoard() throws Exception {
    Path data = tinyDataset(dir.resolve("data"));
    TrainingConfig config = config(data, 2, 0.01, OptimizerKind.ADAM).withRecipe(new FacenetRecipe(0, 0, 1, 0.34, 2))
        .withChanges(Map.of("eval_every", "5"));
    Path run = dir.resolve("run");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TrainingResult r = new Trainer(new PrintStream(log, true), false).train(config, run);
    assertEquals(10, r.lastStep());
    String text = log.toString();
    // 6 images an identity (class_0: 7 names with its broken file): floor(6 x 0.66) = 3 train, 3 validate; 4 + 3 for class_0
    assertTrue(text.contains("validation split: 12 of 25 images of 4 identities held out (ratio 0.34)"), text);
    List<String> lines = text.lines().filter(l -> l.contains(": validation loss ")).toList();
    assertEquals(2, lines.size(), text);
    assertTrue(lines.get(0).startsWith("step 5: validation loss ") && lines.get(0).contains(" accuracy "), lines.get(0));
    assertTrue(lines.get(1).startsWith("step 10: validation loss "), lines.get(1));
    assertTrue(text.contains("data: " + data + ": 4 identities, 13 images"), "training sees the rest only:\n" + text);
    Map<String, Float> atTen = new java.util.HashMap<>();
    try (java.util.stream.Stream<Path> files = Files.list(run)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList()) {
        for (org.tensorflow.proto.Event e : TensorBoardWriterTest.readEvents(f)) {
          if (e.getStep() != 10) continue;
          for (org.tensorflow.proto.Summary.Value v : e.getSummary().getValueList()) atTen.put(v.getTag(), v.getSimpleValue());
        }
      }
    }
    double accuracy = Double.parseDouble(lines.get(1).replaceAll(".* accuracy (\\S+).*", "$1"));
    assertEquals(accuracy, atTen.get("validation/accuracy"), 1e-4, atTen.toString());
    assertTrue(atTen.containsKey("validation/loss"), atTen.toString());
  }
}
