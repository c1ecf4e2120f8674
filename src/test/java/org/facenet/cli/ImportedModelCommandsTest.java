package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.facenet.embed.EmbeddingRow;
import org.facenet.embed.EmbeddingsCsv;
import org.facenet.export.ModelMetadata;
import org.facenet.interop.FacenetFixtures;
import org.facenet.interop.ModelImport;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.GraphDef;

/**
 * A facenet 2017-style model (per-image prewhitening) imported with --standardization per-image: facenet-embed and
 * facenet-verify, given no flag about preprocessing, give what the source graph gives on prewhitened images, and say
 * what the model's metadata chose.
 */
class ImportedModelCommandsTest {

  @TempDir
  Path dir;

  static final int SIZE = 160;
  static final String[] NAMES = {"A/0001.png", "A/0002.png", "B/0001.png", "B/0002.png"};

  /** Four 160 px PNGs of different brightness and contrast (prewhitening changes them a lot); their pixels, in order. */
  static float[] writeImages(Path root) throws Exception {
    Random r = new Random(17);
    float[] px = new float[NAMES.length * SIZE * SIZE * 3];
    for (int k = 0; k < NAMES.length; k++) {
      BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
      double base = 50 + 45 * k;
      double contrast = 10 + 25 * ((k * 3) % 4);
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++) {
          int[] c = new int[3];
          for (int ch = 0; ch < 3; ch++) {
            double v = base + contrast * (Math.sin((x + 7 * k) / (9.0 + ch)) + Math.cos(y / 13.0)) + 8 * r.nextGaussian();
            c[ch] = (int) Math.max(0, Math.min(255, Math.round(v)));
            px[((k * SIZE + y) * SIZE + x) * 3 + ch] = c[ch];
          }
          img.setRGB(x, y, (c[0] << 16) | (c[1] << 8) | c[2]);
        }
      }
      Path f = root.resolve(NAMES[k]);
      Files.createDirectories(f.getParent());
      ImageIO.write(img, "png", f.toFile());
    }
    return px;
  }

  private static String figures(String out) {
    return out.substring(out.indexOf("Pairs:"), out.indexOf("Pairs skipped"));
  }

  @Test
  void anImportedPerImageModelEmbedsAndVerifiesAsTheSourceGraphOnPrewhitenedImages() throws Exception {
    ModelSpec spec = FacenetFixtures.spec(8, Standardization.PER_IMAGE);
    Map<String, float[]> values = FacenetFixtures.randomValues(spec, 31);
    GraphDef def = FacenetFixtures.frozenGraph(spec, values);
    Path pb = dir.resolve("20170512-110547.pb");
    Files.write(pb, def.toByteArray());
    Path model = dir.resolve("imported");
    ModelImport.facenet(pb, model, new ModelImport.Options(160, null, Standardization.PER_IMAGE));

    Path images = dir.resolve("images");
    float[] px = writeImages(images);
    int n = NAMES.length;
    float[][] expected = FacenetFixtures.frozenEmbeddings(def, FacenetFixtures.prewhiten(px, n), n, SIZE);
    float[][] fixed = FacenetFixtures.frozenEmbeddings(def, FacenetFixtures.fixed(px), n, SIZE);

    Path csv = dir.resolve("embeddings.csv");
    CommandsTest.Run r = CommandsTest.run("embed", images.toString(), "--model", model.toString(), "--out", csv.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("model: model input 160 x 160 RGB 0..255, standardisation per-image"), r.err());
    assertTrue(r.err().contains("alignment facenet (MTCNN face box plus a margin"), r.err());
    assertTrue(r.err().contains("imported from facenet tensorflow frozen graph 20170512-110547.pb"), r.err());
    assertTrue(!r.err().contains("warning"), r.err());
    List<EmbeddingRow> rows = EmbeddingsCsv.read(csv);
    assertEquals(n, rows.size());
    double fromFixed = 0;
    List<EmbeddingRow> sourceRows = new ArrayList<>();
    for (EmbeddingRow row : rows) {
      int k = List.of(NAMES).indexOf(images.relativize(Path.of(row.path())).toString().replace('\\', '/'));
      assertTrue(k >= 0, row.path());
      for (int j = 0; j < 8; j++) {
        assertEquals(expected[k][j], row.embedding()[j], 1e-5, row.path() + " dim " + j);
        fromFixed = Math.max(fromFixed, Math.abs(fixed[k][j] - row.embedding()[j]));
      }
      sourceRows.add(new EmbeddingRow(row.path(), row.label(), expected[k]));
    }
    assertTrue(fromFixed > 0.05, "fixed standardisation would give other embeddings: " + fromFixed);

    // facenet-verify --model on the images gives the figures of the source graph's embeddings.
    Path pairs = Files.writeString(dir.resolve("pairs.txt"), "2 1\nA 1 2\nA 1 B 1\nB 1 2\nA 2 B 2\n",
        StandardCharsets.UTF_8);
    Path sourceCsv = dir.resolve("source.csv");
    EmbeddingsCsv.write(sourceCsv, sourceRows);
    CommandsTest.Run withModel = CommandsTest.run("verify", "--pairs", pairs.toString(), "--model", model.toString(),
        "--data", images.toString());
    assertEquals(0, withModel.exit(), withModel.err());
    assertTrue(withModel.err().contains("standardisation per-image"), withModel.err());
    CommandsTest.Run withSource = CommandsTest.run("verify", "--pairs", pairs.toString(), "--embeddings",
        sourceCsv.toString());
    assertEquals(0, withSource.exit(), withSource.err());
    assertEquals(figures(withSource.out()), figures(withModel.out()));

    // Without its metadata the model still runs as its graph does, and the commands say the defaults are used.
    Files.delete(model.resolve(ModelMetadata.FILE_NAME));
    Path csv2 = dir.resolve("embeddings2.csv");
    CommandsTest.Run bare = CommandsTest.run("embed", images.toString(), "--model", model.toString(), "--out",
        csv2.toString());
    assertEquals(0, bare.exit(), bare.err());
    assertTrue(bare.err().contains("warning: " + model.resolve(ModelMetadata.FILE_NAME) + " is missing: using the defaults"),
        bare.err());
    assertTrue(bare.err().contains("standardisation unknown (whatever the graph does)"), bare.err());
    List<EmbeddingRow> again = EmbeddingsCsv.read(csv2);
    for (int i = 0; i < n; i++) assertEquals(rows.get(i).embedding()[0], again.get(i).embedding()[0], 1e-6);
  }
}
