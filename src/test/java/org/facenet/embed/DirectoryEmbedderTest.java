package org.facenet.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.facenet.export.ModelExporter;
import org.facenet.export.ModelExporterTest;
import org.facenet.export.ModelMetadata;
import org.facenet.io.AtomicFiles;
import org.facenet.nn.BackboneConfig;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows streamed batch by batch: the same rows as in memory, in the CSV as they finish, nothing left by a failure. */
class DirectoryEmbedderTest {

  @TempDir
  static Path dir;

  static Embedder embedder;
  static List<Path> files;

  @BeforeAll
  static void tinyModelAndSevenImages() throws Exception {
    // A small ResNet at 32 px: the rows' values do not matter here, only where they go.
    var spec = new ModelSpec("resnet18", 32, new BackboneConfig(8, 1f, 0.125f, 0.1f), 0f, Standardization.FIXED);
    Path saved = dir.resolve("saved_model");
    ModelExporter.export(spec, ModelExporterTest.trainFewSteps(spec, dir.resolve("run")), saved, new ModelMetadata(spec));
    embedder = Embedder.load(saved);
    Random r = new Random(3);
    for (int i = 0; i < 7; i++) {
      BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) img.setRGB(x, y, r.nextInt(1 << 24));
      Path f = dir.resolve("images/p" + (i % 3) + "/" + i + ".png");
      Files.createDirectories(f.getParent());
      ImageIO.write(img, "png", f.toFile());
    }
    Files.write(dir.resolve("images/p1/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2});
    files = DirectoryEmbedder.listImages(dir.resolve("images"));
    assertEquals(8, files.size());
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void eachBatchReachesTheSinkAsItFinishesAndTheStreamedCsvEqualsTheWholeFile() throws Exception {
    List<String> warnings = new ArrayList<>();
    DirectoryEmbedder.Result whole = new DirectoryEmbedder(embedder, 3, 2).embed(files, warnings::add);
    assertEquals(7, whole.rows().size());
    assertEquals(1, whole.skipped().size());
    assertTrue(warnings.get(0).contains("broken.png"), warnings.toString());

    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    EmbeddingsCsv.Writer csv = new EmbeddingsCsv.Writer(stream, embedder.embeddingSize());
    List<Integer> batchSizes = new ArrayList<>();
    List<Integer> linesInStreamAfterBatch = new ArrayList<>();
    List<EmbeddingRow> streamed = new ArrayList<>();
    DirectoryEmbedder.Counts counts = new DirectoryEmbedder(embedder, 3, 2).embed(files, w -> {}, batch -> {
      batchSizes.add(batch.size());
      streamed.addAll(batch);
      csv.write(batch);
      linesInStreamAfterBatch.add(stream.toString(StandardCharsets.UTF_8).split("\n").length);
    });
    // Batches of 3 paths; the broken file's batch has 2 rows. Each batch is in the stream before the next is embedded.
    assertEquals(List.of(3, 2, 2), batchSizes);
    assertEquals(List.of(4, 6, 8), linesInStreamAfterBatch);
    assertEquals(7, counts.embedded());
    assertEquals(whole.skipped(), counts.skipped());
    for (int i = 0; i < 7; i++) {
      assertEquals(whole.rows().get(i).path(), streamed.get(i).path());
      assertEquals(whole.rows().get(i).label(), streamed.get(i).label());
      assertArrayEquals(whole.rows().get(i).embedding(), streamed.get(i).embedding());
    }
    Path file = dir.resolve("whole.csv");
    EmbeddingsCsv.write(file, whole.rows());
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), stream.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aFailureMidwayLeavesNoPartialFileAndKeepsThePreviousOne() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out")).resolve("embeddings.csv");
    Files.writeString(out, "the previous run's CSV\n", StandardCharsets.UTF_8);
    int[] batches = {0};
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(out, stream -> {
      EmbeddingsCsv.Writer csv = new EmbeddingsCsv.Writer(stream, embedder.embeddingSize());
      try {
        new DirectoryEmbedder(embedder, 3, 2).embed(files, w -> {}, batch -> {
          if (++batches[0] == 2) throw new IOException("No space left on device");
          csv.write(batch);
        });
      } catch (InterruptedException ex) {
        throw new AssertionError(ex);
      }
    }));
    // AtomicFiles names the output in the error
    assertEquals(out.toAbsolutePath() + ": No space left on device", e.getMessage());
    assertEquals(2, batches[0], "the run stopped at the failing batch");
    assertEquals("the previous run's CSV\n", Files.readString(out, StandardCharsets.UTF_8));
    try (Stream<Path> s = Files.list(out.getParent())) {
      assertEquals(List.of(out), s.toList(), "no temporary file left behind");
    }
    assertEquals(List.of(), EmbeddingsCsv.leftTemporaries(out));
    // What a kill -9 while streaming leaves: found (for a warning), not deleted.
    Path left = Files.writeString(out.resolveSibling(".embeddings.csv.12345.tmp"), "path,label\n", StandardCharsets.UTF_8);
    Files.writeString(out.resolveSibling(".other.csv.1.tmp"), "", StandardCharsets.UTF_8);
    assertEquals(List.of(left), EmbeddingsCsv.leftTemporaries(out));
    assertTrue(Files.exists(left));
  }
}
