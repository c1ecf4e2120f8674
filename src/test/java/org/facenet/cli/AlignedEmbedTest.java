package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.facenet.data.SyntheticFaces;
import org.facenet.embed.Embedder;
import org.facenet.export.ModelExporter;
import org.facenet.export.ModelMetadata;
import org.facenet.train.Trainer;
import org.facenet.train.TrainerTest;
import org.facenet.train.TrainingConfig;
import org.facenet.train.TrainingResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** facenet-embed --align on a raw photo: the row's embedding is the model's on the crop that facenet align writes. */
class AlignedEmbedTest {

  @TempDir
  Path dir;

  @Test
  void embedAlignEmbedsTheCropAlignWrites() throws Exception {
    SyntheticFaces.Summary synth = SyntheticFaces.generate(dir.resolve("synth"),
        new SyntheticFaces.Config(1, 4, 4, 4, 3, 75, 2, 3));
    TrainingConfig config = TrainerTest.config(synth.trainDir(), 1, 0.01, org.facenet.train.OptimizerKind.ADAM);
    TrainingResult trained = new Trainer(new PrintStream(new ByteArrayOutputStream(), true), false)
        .train(config, dir.resolve("run"));
    Path model = dir.resolve("run/saved_model");
    ModelExporter.export(config.model(), trained.checkpoint(), model, new ModelMetadata(config.model()));

    Path raw = Files.createDirectories(dir.resolve("raw/person"));
    Files.copy(Path.of(getClass().getResource("/org/facenet/align/Anthony_Hopkins_0001.jpg").toURI()),
        raw.resolve("Anthony_Hopkins_0001.jpg"));
    Path csv = dir.resolve("faces.csv");
    assertEquals(0, FacenetCommand.execute("embed", raw.toString(), "--model", model.toString(), "--align", "--out",
        csv.toString()));
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    assertEquals(2, lines.size());
    assertTrue(lines.get(0).startsWith("path,face,x1,y1,x2,y2,score,e0,"), lines.get(0));
    String[] row = lines.get(1).split(",");
    assertEquals(74.397, Double.parseDouble(row[2]), 1e-3); // facenet's box (FaceDetectorTest)

    try (Embedder embedder = Embedder.load(model)) {
      int size = embedder.imageSize();
      int margin = (int) Math.round(32.0 * size / 160);
      Path aligned = dir.resolve("aligned");
      assertEquals(0, FacenetCommand.execute("align", dir.resolve("raw").toString(), aligned.toString(),
          "--image-size", Integer.toString(size), "--margin", Integer.toString(margin)));
      BufferedImage crop = ImageIO.read(aligned.resolve("person/Anthony_Hopkins_0001.png").toFile());
      float[] pixels = new float[size * size * 3];
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          int rgb = crop.getRGB(x, y);
          pixels[(y * size + x) * 3] = (rgb >> 16) & 0xFF;
          pixels[(y * size + x) * 3 + 1] = (rgb >> 8) & 0xFF;
          pixels[(y * size + x) * 3 + 2] = rgb & 0xFF;
        }
      }
      float[] expected = embedder.embed(pixels, 1)[0];
      assertEquals(expected.length, row.length - 7);
      for (int i = 0; i < expected.length; i++) assertEquals(expected[i], Float.parseFloat(row[7 + i]), 1e-5);
    }
  }

  @Test
  void theAlignmentComesFromTheModelsMetadataAndAnExplicitAlignmentOverridesIt() throws Exception {
    // A random-weight facenet-layout model imported at 112 px (a size the similarity warp takes).
    org.facenet.nn.ModelSpec spec = org.facenet.interop.FacenetFixtures.spec(8, org.facenet.nn.Standardization.FIXED);
    Path folder = dir.resolve("source");
    org.facenet.interop.FacenetFixtures.writeFolder(folder, org.facenet.interop.FacenetFixtures.randomValues(spec, 5), spec);
    Path model = dir.resolve("model");
    org.facenet.interop.ModelImport.facenet(folder, model,
        new org.facenet.interop.ModelImport.Options(112, null, org.facenet.nn.Standardization.FIXED));
    Path meta = model.resolve(ModelMetadata.FILE_NAME);
    String json = Files.readString(meta, StandardCharsets.UTF_8);
    assertTrue(json.contains("\"alignment\": \"MTCNN"), json);
    Files.writeString(meta, json.replaceFirst(",\\s*\"alignment\": \"[^\"]*\"", ""), StandardCharsets.UTF_8);
    Path raw = Files.createDirectories(dir.resolve("raw/person"));
    Files.copy(Path.of(getClass().getResource("/org/facenet/align/Anthony_Hopkins_0001.jpg").toURI()),
        raw.resolve("Anthony_Hopkins_0001.jpg"));

    // No alignment recorded (as in a model trained here): facenet's, said to be the default.
    CommandsTest.Run here = CommandsTest.run("embed", raw.toString(), "--model", model.toString(), "--align", "--out",
        dir.resolve("here.csv").toString());
    assertEquals(0, here.exit(), here.err());
    assertTrue(here.err().contains("alignment facenet (the default: no alignment recorded)"), here.err());
    assertTrue(here.err().contains("alignment: facenet (MTCNN box plus a 22 px margin, cropped, resized to 112 x 112), "
        + "from the model's metadata"), here.err());

    // Metadata naming the similarity warp (as an ArcFace import writes it): chosen with no flag.
    json = Files.readString(meta, StandardCharsets.UTF_8);
    Files.writeString(meta, json.replaceFirst("\\{", "{\n  \"alignment\": \"similarity\","), StandardCharsets.UTF_8);
    CommandsTest.Run fromModel = CommandsTest.run("embed", raw.toString(), "--model", model.toString(), "--align",
        "--out", dir.resolve("model.csv").toString());
    assertEquals(0, fromModel.exit(), fromModel.err());
    assertTrue(fromModel.err().contains("alignment: similarity (five-landmark warp onto the ArcFace template at 112 x 112), "
        + "from the model's metadata"), fromModel.err());
    CommandsTest.Run similarity = CommandsTest.run("embed", raw.toString(), "--model", model.toString(), "--align",
        "--alignment", "similarity", "--out", dir.resolve("similarity.csv").toString());
    assertEquals(0, similarity.exit(), similarity.err());
    assertTrue(similarity.err().contains("ArcFace template at 112 x 112), from --alignment")
        && !similarity.err().contains("metadata says"), similarity.err());
    CommandsTest.Run facenet = CommandsTest.run("embed", raw.toString(), "--model", model.toString(), "--align",
        "--alignment", "facenet", "--out", dir.resolve("facenet.csv").toString());
    assertEquals(0, facenet.exit(), facenet.err());
    assertTrue(facenet.err().contains("alignment: facenet (MTCNN box plus a 22 px margin, cropped, resized to 112 x 112), "
        + "from --alignment (the model's metadata says similarity)"), facenet.err());

    String fromModelRow = Files.readAllLines(dir.resolve("model.csv"), StandardCharsets.UTF_8).get(1);
    assertEquals(Files.readAllLines(dir.resolve("similarity.csv"), StandardCharsets.UTF_8).get(1), fromModelRow);
    String facenetRow = Files.readAllLines(dir.resolve("facenet.csv"), StandardCharsets.UTF_8).get(1);
    assertEquals(Files.readAllLines(dir.resolve("here.csv"), StandardCharsets.UTF_8).get(1), facenetRow);
    assertTrue(!facenetRow.equals(fromModelRow), "the two alignments give other crops, so other embeddings");
  }
}
