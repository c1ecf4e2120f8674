package org.facenet.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.facenet.embed.Embedder;
import org.facenet.export.ModelExporterTest;
import org.facenet.export.ModelMetadata;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.GraphDef;

/** Import round trips: the imported SavedModel embeds as the facenet-layout source graph does. */
class ModelImportTest {

  @TempDir
  Path dir;

  static final int N = 3;

  static void assertClose(float[][] expected, float[][] got) {
    assertEquals(expected.length, got.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i].length, got[i].length);
      for (int j = 0; j < expected[i].length; j++) {
        assertEquals(expected[i][j], got[i][j], 1e-5, "image " + i + " dim " + j);
      }
    }
  }

  static float[][] embed(Path savedModel, float[] px) {
    try (Embedder e = Embedder.load(savedModel)) {
      return e.embed(px, N);
    }
  }

  @Test
  void checkpointFolderImportsWithTheCheckpointsEmbeddingsAndSource() throws Exception {
    ModelSpec spec = FacenetFixtures.spec(16, Standardization.FIXED);
    Map<String, float[]> values = FacenetFixtures.randomValues(spec, 7);
    Path prefix = FacenetFixtures.writeFolder(dir.resolve("20180402-114759"), values, spec);
    Path out = dir.resolve("imported");
    ModelImport.Result r = ModelImport.facenet(dir.resolve("20180402-114759"), out, ModelImport.Options.facenetDefaults());
    assertEquals(16, r.spec().embeddingSize(), "embedding size from the checkpoint's shapes");
    assertEquals(0.125f, r.spec().config().width());
    assertEquals(FacenetFixtures.layout(spec).variables().size(), r.tensors(), "every variable, Logits left out");

    float[] px = ModelExporterTest.pixels(N, 160, 3);
    assertClose(FacenetFixtures.sourceEmbeddings(spec, values, px, N), embed(out, px));

    String meta = Files.readString(out.resolve(ModelMetadata.FILE_NAME), StandardCharsets.UTF_8);
    Path data = Path.of(prefix + ".data-00000-of-00001");
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(data)));
    assertTrue(meta.contains("\"kind\": \"facenet tensorflow checkpoint\""), meta);
    assertTrue(meta.contains("\"file\": \"" + FacenetFixtures.CHECKPOINT + "\""), meta);
    assertTrue(meta.contains("\"" + data.getFileName() + "\": \"" + sha + "\""), meta);
    assertTrue(meta.contains("\"standardization\": \"fixed"), meta);
    assertTrue(meta.contains("\"alignment\": \"MTCNN"), meta);
    assertTrue(meta.contains("\"image_size\": 160"), meta);
    assertTrue(meta.contains("\"embedding_size\": 16"), meta);
  }

  @Test
  void frozenGraphImportsWithTheGraphsEmbeddings() throws Exception {
    ModelSpec spec = FacenetFixtures.spec(24, Standardization.FIXED);
    Map<String, float[]> values = FacenetFixtures.randomValues(spec, 8);
    GraphDef def = FacenetFixtures.frozenGraph(spec, values);
    Path pb = dir.resolve("20180402-114759.pb");
    Files.write(pb, def.toByteArray());
    Path out = dir.resolve("imported");
    ModelImport.Result r = ModelImport.facenet(pb, out, ModelImport.Options.facenetDefaults());
    assertEquals(24, r.spec().embeddingSize());

    float[] px = ModelExporterTest.pixels(N, 160, 4);
    assertClose(FacenetFixtures.frozenEmbeddings(def, FacenetFixtures.fixed(px), N, 160), embed(out, px));
    assertTrue(Files.readString(out.resolve(ModelMetadata.FILE_NAME), StandardCharsets.UTF_8)
        .contains("\"kind\": \"facenet tensorflow frozen graph\""));
  }

  @Test
  void perImageStandardisationForThe2017Models() throws Exception {
    ModelSpec spec = FacenetFixtures.spec(8, Standardization.PER_IMAGE);
    Map<String, float[]> values = FacenetFixtures.randomValues(spec, 9);
    GraphDef def = FacenetFixtures.frozenGraph(spec, values);
    Path pb = dir.resolve("20170512-110547.pb");
    Files.write(pb, def.toByteArray());
    Path out = dir.resolve("imported");
    ModelImport.facenet(pb, out, new ModelImport.Options(160, null, Standardization.PER_IMAGE));

    float[] px = ModelExporterTest.pixels(N, 160, 5);
    assertClose(FacenetFixtures.frozenEmbeddings(def, FacenetFixtures.prewhiten(px, N), N, 160), embed(out, px));
    assertTrue(Files.readString(out.resolve(ModelMetadata.FILE_NAME), StandardCharsets.UTF_8)
        .contains("\"standardization\": \"per-image"));
  }
}
