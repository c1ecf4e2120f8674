package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.stream.Stream;
import org.facenet.embed.Embedder;
import org.facenet.interop.FacenetFixtures;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** facenet import as a user runs it: a good folder, and bad inputs that cost nothing and name the problem. */
class ImportCommandTest {

  @TempDir
  static Path dir;

  static Path folder;
  static Path pb;
  static ModelSpec spec;
  static Map<String, float[]> values;

  @BeforeAll
  static void fixtures() throws Exception {
    spec = FacenetFixtures.spec(16, Standardization.FIXED);
    values = FacenetFixtures.randomValues(spec, 11);
    folder = dir.resolve("20180402-114759");
    FacenetFixtures.writeFolder(folder, values, spec);
    pb = dir.resolve("20180402-114759.pb");
    Files.write(pb, FacenetFixtures.frozenGraph(spec, values).toByteArray());
  }

  /** Runs facenet import expecting a bad-input failure that leaves nothing at {@code out}. */
  static String refused(Path out, String... args) throws Exception {
    CommandsTest.Run r = CommandsTest.run(args);
    assertEquals(ErrorHandler.BAD_INPUT, r.exit(), r.err());
    assertFalse(Files.exists(out), "nothing written at --out");
    try (Stream<Path> s = Files.list(out.toAbsolutePath().getParent())) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary left");
    }
    return r.err();
  }

  @Test
  void importsAFolderAndEmbedsWithIt() throws Exception {
    Path out = dir.resolve("good");
    CommandsTest.Run r = CommandsTest.run("import", folder.toString(), "--out", out.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("16-D embeddings"), r.out());
    try (Embedder e = Embedder.load(out)) {
      assertEquals(160, e.imageSize());
      assertEquals(16, e.embeddingSize());
    }
    // facenet-embed with no extra flag: the source graph's embeddings of the same (160 px, aligned) PNG files.
    int n = 2;
    float[] px = org.facenet.export.ModelExporterTest.pixels(n, 160, 12);
    Path faces = Files.createDirectories(dir.resolve("faces").resolve("someone"));
    for (int i = 0; i < n; i++) {
      java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(160, 160, java.awt.image.BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 160; y++) {
        for (int x = 0; x < 160; x++) {
          int o = ((i * 160 + y) * 160 + x) * 3;
          img.setRGB(x, y, ((int) px[o] << 16) | ((int) px[o + 1] << 8) | (int) px[o + 2]);
        }
      }
      javax.imageio.ImageIO.write(img, "png", faces.resolve("face" + i + ".png").toFile());
    }
    Path csv = dir.resolve("faces.csv");
    CommandsTest.Run embed = CommandsTest.run("embed", faces.getParent().toString(), "--model", out.toString(),
        "--out", csv.toString());
    assertEquals(0, embed.exit(), embed.err());
    float[][] expected = FacenetFixtures.sourceEmbeddings(spec, values, px, n);
    for (org.facenet.embed.EmbeddingRow row : org.facenet.embed.EmbeddingsCsv.read(csv)) {
      int i = row.path().endsWith("face0.png") ? 0 : 1;
      for (int j = 0; j < 16; j++) assertEquals(expected[i][j], row.embedding()[j], 1e-5, row.path() + " dim " + j);
    }
  }

  @Test
  void aFileOfTheWrongKindIsNamed() throws Exception {
    Path png = dir.resolve("face.png");
    Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'});
    String err = refused(dir.resolve("out-png"), "import", png.toString(), "--out", dir.resolve("out-png").toString());
    assertTrue(err.contains(png.toString()) && err.contains("not a TensorFlow GraphDef"), err);

    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "hello, these are not weights\n", StandardCharsets.UTF_8);
    err = refused(dir.resolve("out-txt"), "import", text.toString(), "--out", dir.resolve("out-txt").toString());
    assertTrue(err.contains(text.toString()), err);

    Path empty = Files.createDirectories(dir.resolve("empty-folder"));
    err = refused(dir.resolve("out-dir"), "import", empty.toString(), "--out", dir.resolve("out-dir").toString());
    assertTrue(err.contains(empty.toString()) && err.contains("not a facenet model folder"), err);
  }

  @Test
  void aTruncatedCheckpointOrGraphIsNamedWithItsTensor() throws Exception {
    Path copy = Files.createDirectories(dir.resolve("truncated"));
    try (Stream<Path> s = Files.list(folder)) {
      for (Path f : s.toList()) Files.copy(f, copy.resolve(f.getFileName()));
    }
    Files.writeString(copy.resolve("checkpoint"), "model_checkpoint_path: \"" + FacenetFixtures.CHECKPOINT + "\"\n");
    Path data = copy.resolve(FacenetFixtures.CHECKPOINT + ".data-00000-of-00001");
    try (FileChannel c = FileChannel.open(data, StandardOpenOption.WRITE)) {
      c.truncate(c.size() / 2);
    }
    Path out = dir.resolve("out-truncated");
    String err = refused(out, "import", copy.toString(), "--out", out.toString());
    assertTrue(err.contains(copy.resolve(FacenetFixtures.CHECKPOINT).toString()), err);
    assertTrue(err.contains("tensor InceptionResnetV1/"), err);

    Path half = dir.resolve("half.pb");
    byte[] bytes = Files.readAllBytes(pb);
    Files.write(half, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    err = refused(out, "import", half.toString(), "--out", out.toString());
    assertTrue(err.contains(half.toString()), err);
  }

  @Test
  void anEmbeddingSizeMismatchNamesTheBottleneck() throws Exception {
    Path out = dir.resolve("out-512");
    String err = refused(out, "import", folder.toString(), "--embedding-size", "512", "--out", out.toString());
    assertTrue(err.contains(folder.resolve(FacenetFixtures.CHECKPOINT).toString()), err);
    assertTrue(err.contains("tensor InceptionResnetV1/Bottleneck/weights has shape [224, 16]")
        && err.contains("needs [224, 512]"), err);
  }

  @Test
  void standardisationIsSpelledAsInTheReadme() {
    ImportCommand.StandardizationName c = new ImportCommand.StandardizationName();
    assertEquals(Standardization.PER_IMAGE, c.convert("per-image"));
    assertEquals(Standardization.FIXED, c.convert("fixed"));
    assertEquals(Standardization.PER_IMAGE, c.convert("PER_IMAGE"));
    assertEquals(Standardization.ARCFACE, c.convert("arcface"));
    Path out = dir.resolve("out-kind");
    CommandsTest.Run r = CommandsTest.run("import", pb.toString(), "--standardization", "prewhite", "--out", out.toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("expected fixed, per-image or arcface"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void anOnnxFileIsNotMistakenForAGraph() throws Exception {
    Path onnx = dir.resolve("w600k_r50.onnx");
    Files.write(onnx, new byte[] {8, 7, 18, 7, 'p', 'y', 't', 'o', 'r', 'c', 'h'});
    Path out = dir.resolve("out-onnx");
    String err = refused(out, "import", onnx.toString(), "--out", out.toString());
    assertTrue(err.contains(onnx.toString()) && err.contains("ONNX"), err);
  }

  @Test
  void importsAnInsightfaceOnnxFileWithItsOwnSizeAndStandardisation() throws Exception {
    Path onnx = dir.resolve("r18.onnx");
    Files.write(onnx, org.facenet.interop.OnnxFixtures.iresnet18(16, 32, 8, 3).toByteArray());
    Path refusedOut = dir.resolve("out-onnx-size");
    String err = refused(refusedOut, "import", onnx.toString(), "--image-size", "160", "--out", refusedOut.toString());
    assertTrue(err.contains("--image-size") && err.contains("ONNX"), err);
    Path out = dir.resolve("good-onnx");
    CommandsTest.Run r = CommandsTest.run("import", onnx.toString(), "--out", out.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("imported insightface-onnx") && r.out().contains("8-D embeddings, 32 px, arcface"), r.out());
    try (Embedder e = Embedder.load(out)) {
      assertEquals(32, e.imageSize());
    }
  }

  @Test
  void aNonEmptyOutIsRefusedAndKept() throws Exception {
    Path out = Files.createDirectories(dir.resolve("taken"));
    Files.writeString(out.resolve("mine.txt"), "keep me", StandardCharsets.UTF_8);
    CommandsTest.Run r = CommandsTest.run("import", pb.toString(), "--out", out.toString());
    assertEquals(ErrorHandler.BAD_INPUT, r.exit(), r.err());
    assertTrue(r.err().contains(out.toString()) && r.err().contains("not empty"), r.err());
    assertEquals("keep me", Files.readString(out.resolve("mine.txt"), StandardCharsets.UTF_8));
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(1, s.count());
    }
  }
}
