package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.facenet.data.TensorFlowImageDecoder;
import org.facenet.data.PairsFile;
import org.facenet.data.SyntheticFaces;
import org.facenet.embed.Embedder;
import org.facenet.embed.EmbeddingRow;
import org.facenet.embed.EmbeddingsCsv;
import org.facenet.export.ModelExporter;
import org.facenet.export.ModelMetadata;
import org.facenet.runtime.Precision;
import org.facenet.train.Trainer;
import org.facenet.train.TrainerTest;
import org.facenet.train.TrainingConfig;
import org.facenet.train.TrainingResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them: train a tiny model, embed a folder with a broken file, verify, make pairs. */
class CommandsTest {

  @TempDir
  static Path dir;

  static SyntheticFaces.Summary synth;
  static Path model;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true));
      System.setErr(new PrintStream(err, true));
      int code = FacenetCommand.execute(args);
      return new Run(code, out.toString(), err.toString());
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @BeforeAll
  static void trainTinyModel() throws Exception {
    synth = SyntheticFaces.generate(dir.resolve("synth"), new SyntheticFaces.Config(1, 4, 4, 4, 3, 75, 2, 3));
    TrainingConfig config = TrainerTest.config(synth.trainDir(), 1, 0.01, org.facenet.train.OptimizerKind.ADAM);
    TrainingResult r = new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false).train(config, dir.resolve("run"));
    model = dir.resolve("run/saved_model");
    ModelExporter.export(config.model(), r.checkpoint(), model, new ModelMetadata(config.model()));
  }

  @Test
  void embedSkipsAndCountsABrokenFileAndItsVectorsEqualTheSavedModels() throws Exception {
    Path images = twoHeldOutImages(dir.resolve("images"));
    Files.write(images.resolve("h0001/broken.JPG"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 1, 2});
    Files.writeString(images.resolve("notes.txt"), "not an image name, not listed");
    Path csv = dir.resolve("out/embeddings.csv");
    Run r = run("embed", images.toString(), "--model", model.toString(), "--out", csv.toString(), "--batch-size", "1");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("broken.JPG"), "stderr names the bad file: " + r.err());
    assertTrue(r.out().contains("skipped 1 unreadable"), r.out());
    List<EmbeddingRow> rows = EmbeddingsCsv.read(csv);
    assertEquals(2, rows.size());
    assertEquals("h0001", rows.get(0).label());
    try (Embedder e = Embedder.load(model); TensorFlowImageDecoder decoder = new TensorFlowImageDecoder(e.imageSize())) {
      for (EmbeddingRow row : rows) {
        float[] expected = e.embed(decoder.decode(Path.of(row.path())), 1)[0];
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], row.embedding()[i], 1e-5);
          norm += row.embedding()[i] * (double) row.embedding()[i];
        }
        assertEquals(1.0, norm, 1e-4);
      }
    }
    // Nothing readable: exit 1 and no CSV.
    Path bad = Files.createDirectories(dir.resolve("bad/x"));
    Files.write(bad.resolve("a.png"), new byte[0]);
    Path none = dir.resolve("out/none.csv");
    Run nothing = run("embed", dir.resolve("bad").toString(), "--model", model.toString(), "--out", none.toString());
    assertEquals(1, nothing.exit());
    assertFalse(Files.exists(none));
    // A folder that is not a model: exit 2 with a message naming it.
    Run notModel = run("embed", images.toString(), "--model", images.toString(), "--out", none.toString());
    assertEquals(2, notModel.exit());
    assertTrue(notModel.err().contains(images.toString()), notModel.err());
  }

  /** Two held-out images, copied into {@code images}/identity/. */
  static Path twoHeldOutImages(Path images) throws Exception {
    for (Path p : List.of(synth.heldOutDir().resolve("h0001/0001.png"), synth.heldOutDir().resolve("h0002/0002.png"))) {
      Path to = images.resolve(p.getParent().getFileName().toString()).resolve(p.getFileName());
      Files.createDirectories(to.getParent());
      Files.copy(p, to);
    }
    return images;
  }

  @Test
  void embedAtBfloat16PrecisionWritesWhatTheModelComputesInBfloat16() throws Exception {
    Path images = twoHeldOutImages(dir.resolve("images16"));
    Path csv = dir.resolve("out/bf16.csv");
    Run r = run("embed", images.toString(), "--model", model.toString(), "--out", csv.toString(), "--batch-size", "1",
        "--precision", "bfloat16");
    assertEquals(0, r.exit(), r.err());
    List<EmbeddingRow> rows = EmbeddingsCsv.read(csv);
    assertEquals(2, rows.size());
    try (Embedder half = Embedder.load(model, Precision.BFLOAT16); Embedder single = Embedder.load(model);
        TensorFlowImageDecoder decoder = new TensorFlowImageDecoder(half.imageSize())) {
      double fromFloat32 = 0;
      for (EmbeddingRow row : rows) {
        float[] px = decoder.decode(Path.of(row.path()));
        float[] expected = half.embed(px, 1)[0];
        float[] float32 = single.embed(px, 1)[0];
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], row.embedding()[i], 1e-6);
          fromFloat32 = Math.max(fromFloat32, Math.abs(float32[i] - row.embedding()[i]));
        }
      }
      if (Precision.BFLOAT16.cpuWarning().isEmpty()) {
        assertTrue(fromFloat32 > 1e-4, "the CSV is not the float32 one: " + fromFloat32);
      }
    }
    Run bad = run("embed", images.toString(), "--model", model.toString(), "--out", csv.toString(), "--precision", "fp8");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("--precision") && bad.err().contains("BFLOAT16"), bad.err());
  }

  @Test
  void verifyOnSeparableEmbeddingsIsPerfectAndWritesTheRoc() throws Exception {
    // Identity k's images sit at unit vector e_k (+ tiny jitter): every matched pair is closer than every mismatched one.
    List<EmbeddingRow> rows = new ArrayList<>();
    for (int k = 0; k < 6; k++) {
      for (int i = 1; i <= 3; i++) {
        float[] v = new float[8];
        v[k] = 1f;
        v[7] = 0.01f * i;
        rows.add(new EmbeddingRow("imgs/p" + k + "/" + String.format("%04d", i) + ".png", "p" + k, v));
      }
    }
    Path csv = dir.resolve("sep.csv");
    EmbeddingsCsv.write(csv, rows);
    StringBuilder pairs = new StringBuilder("3 2\n");
    for (int f = 0; f < 3; f++) {
      int a = 2 * f;
      int b = 2 * f + 1;
      pairs.append("p").append(a).append(" 1 2\n").append("p").append(b).append(" 2 3\n");
      pairs.append("p").append(a).append(" 1 p").append(b).append(" 1\n").append("p").append(a).append(" 3 p").append(b).append(" 2\n");
    }
    pairs.setLength(pairs.lastIndexOf("p4 3 p5 2\n"));
    pairs.append("p0 1 p9 1\n");
    Path pairsFile = Files.writeString(dir.resolve("sep_pairs.txt"), pairs.toString());
    Path roc = dir.resolve("roc/sep");
    Run r = run("verify", "--pairs", pairsFile.toString(), "--embeddings", csv.toString(), "--roc", roc.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("Accuracy: 1.00000+-0.00000"), r.out());
    assertTrue(r.out().contains("Area Under Curve (AUC): 1.000"), r.out());
    assertTrue(r.out().contains("Pairs skipped: 1"), r.out());
    assertTrue(r.err().contains("p9"), "the missing pair is named: " + r.err());
    assertNotNull(ImageIO.read(Path.of(roc + ".png").toFile()), "the ROC PNG is a readable image");
    List<String> points = Files.readAllLines(Path.of(roc + ".csv"));
    assertEquals("threshold,tpr,fpr", points.get(0));
    assertEquals(401, points.size());

    Path malformed = Files.writeString(dir.resolve("bad_pairs.txt"), "3 2\np0 1 2\np0 x 2\n");
    Run bad = run("verify", "--pairs", malformed.toString(), "--embeddings", csv.toString());
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("bad_pairs.txt:3"), bad.err());
  }

  @Test
  void verifyWithTheModelAndMakePairs() throws Exception {
    Path made = dir.resolve("made_pairs.txt");
    Run m = run("verify", "--make-pairs", "--data", synth.heldOutDir().toString(), "--pairs", made.toString(), "--folds", "2",
        "--pairs-per-fold", "2");
    assertEquals(0, m.exit(), m.err());
    assertEquals(8, PairsFile.read(made).pairs().size());
    // The run folder stands for its saved_model/, said on stderr.
    Run v = run("verify", "--pairs", synth.pairsFile().toString(), "--model", dir.resolve("run").toString(), "--data",
        synth.heldOutDir().toString(), "--flip", "--roc", dir.resolve("flip").toString());
    assertEquals(0, v.exit(), v.err());
    assertTrue(v.err().contains("is a run folder: using its exported model " + model), v.err());
    assertTrue(v.out().toLowerCase(Locale.ROOT).contains("accuracy"), v.out());
    assertTrue(v.out().contains("Pairs: 12"), v.out());
  }
}
