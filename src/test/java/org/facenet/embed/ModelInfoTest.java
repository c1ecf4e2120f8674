package org.facenet.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.facenet.export.ModelMetadata;
import org.facenet.interop.FacenetModels;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.facenet.train.TrainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** facenet-metadata.json as facenet-embed and facenet-verify read it: what it says, and the defaults when it cannot. */
class ModelInfoTest {

  @TempDir
  Path dir;

  private Path write(String json) throws Exception {
    Files.writeString(dir.resolve(ModelMetadata.FILE_NAME), json, StandardCharsets.UTF_8);
    return dir;
  }

  @Test
  void anImportedFacenetModelsMetadataGivesItsStandardisationAndFacenetsAlignment() throws Exception {
    ModelSpec spec = new ModelSpec("inception-resnet-v1", 160, TrainerTest.TINY.config(), 0f, Standardization.PER_IMAGE);
    new ModelMetadata(spec).put("alignment", FacenetModels.ALIGNMENT).write(dir.resolve(ModelMetadata.FILE_NAME));
    ModelInfo info = ModelInfo.read(dir, 160);
    assertEquals(160, info.imageSize());
    assertTrue(info.standardization().startsWith("per-image"), info.standardization());
    assertEquals(ModelInfo.FACENET, info.alignment(), "the import's description of facenet's alignment");
    assertFalse(info.problem().isPresent(), info.problem().toString());
    String line = info.describe(true);
    assertTrue(line.contains("160 x 160") && line.contains("per-image") && line.contains("alignment facenet"), line);
  }

  @Test
  void alignmentNamesAreTheAlignPackagesWhateverFollowsThem() {
    assertEquals("similarity", ModelInfo.alignmentName("similarity"));
    assertEquals("similarity", ModelInfo.alignmentName("Similarity: five landmarks onto the ArcFace template, 112 x 112"));
    assertEquals("facenet", ModelInfo.alignmentName("facenet"));
    assertEquals("facenet", ModelInfo.alignmentName(FacenetModels.ALIGNMENT));
    assertNull(ModelInfo.alignmentName("similarity-ish"));
    assertNull(ModelInfo.alignmentName("dlib 68 landmarks"));
    for (org.facenet.align.DatasetAligner.Alignment a : org.facenet.align.DatasetAligner.Alignment.values()) {
      assertEquals(a.name().toLowerCase(java.util.Locale.ROOT), ModelInfo.alignmentName(a.name()), "the align enum's names");
    }
  }

  @Test
  void similarityMetadataAndAModelTrainedHereWithoutAnAlignment() throws Exception {
    ModelInfo arc = ModelInfo.read(write("{\"image_size\": 112, \"standardization\": \"(x - 127.5) / 127.5\", "
        + "\"alignment\": \"similarity\", \"source\": {\"kind\": \"insightface onnx\", \"file\": \"w600k_r50.onnx\"}}"), 112);
    assertEquals(ModelInfo.SIMILARITY, arc.alignment());
    ModelInfo named = ModelInfo.read(write("{\"alignment\": \"similarity: the five landmarks onto the template\"}"), 112);
    assertTrue(named.describe(true).contains("alignment similarity (the five landmarks onto the template)"),
        named.describe(true));
    assertTrue(arc.describe(true).contains("imported from insightface onnx w600k_r50.onnx"), arc.describe(true));
    new ModelMetadata(TrainerTest.TINY).write(dir.resolve(ModelMetadata.FILE_NAME));
    ModelInfo here = ModelInfo.read(dir, 75);
    assertEquals(ModelInfo.FACENET, here.alignment());
    assertTrue(here.describe(true).contains("the default: no alignment recorded"), here.describe(true));
    assertFalse(here.problem().isPresent());
  }

  @Test
  void missingOrUnreadableMetadataUsesTheDefaultsAndSaysSo() throws Exception {
    ModelInfo missing = ModelInfo.read(dir, 96);
    assertEquals(96, missing.imageSize());
    assertEquals(ModelInfo.FACENET, missing.alignment());
    assertTrue(missing.problem().orElseThrow().contains(dir.resolve(ModelMetadata.FILE_NAME) + " is missing")
        && missing.problem().orElseThrow().contains("using the defaults"), missing.problem().toString());
    assertTrue(missing.describe(true).contains("[defaults]"), missing.describe(true));

    for (String bad : new String[] {"{\"image_size\": 96,", "[1, 2]", "not json at all {"}) {
      ModelInfo info = ModelInfo.read(write(bad), 96);
      assertTrue(info.problem().orElseThrow().contains("is unreadable"), bad + ": " + info.problem());
      assertEquals(96, info.imageSize());
    }
    Files.write(dir.resolve(ModelMetadata.FILE_NAME), new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
    assertTrue(ModelInfo.read(dir, 96).problem().orElseThrow().contains("is unreadable"), "not UTF-8");
  }

  @Test
  void theSignaturesSizeWinsAndTheMetadatasFillsAnOpenSignature() throws Exception {
    write("{\"image_size\": 160, \"alignment\": \"dlib 68 landmarks\"}");
    ModelInfo info = ModelInfo.read(dir, 112);
    assertEquals(112, info.imageSize());
    String p = info.problem().orElseThrow();
    assertTrue(p.contains("image_size 160 but the serving signature takes 112"), p);
    assertTrue(p.contains("alignment 'dlib 68 landmarks' is neither facenet nor similarity: using facenet"), p);
    assertEquals(160, ModelInfo.read(dir, -1).imageSize(), "an open signature takes the metadata's size");
    write("{\"alignment\": \"facenet\"}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelInfo.read(dir, -1));
    assertTrue(e.getMessage().contains("gives no image_size"), e.getMessage());
  }
}
