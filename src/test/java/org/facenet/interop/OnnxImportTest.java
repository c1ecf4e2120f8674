package org.facenet.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.facenet.embed.Embedder;
import org.facenet.export.ModelExporterTest;
import org.facenet.export.ModelMetadata;
import org.facenet.interop.onnx.Onnx;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * insightface ONNX import round trips: a small iresnet18 in torch's exported layout (width 0.25, 32 px, 8-D) imports
 * as a SavedModel whose embeddings equal a float64 evaluation of the same ONNX graph; bad files are named.
 */
class OnnxImportTest {

  @TempDir
  static Path dir;

  static final int SIDE = 32;
  static final int N = 3;
  static Onnx.ModelProto model;
  static Path file;

  @BeforeAll
  static void fixture() throws Exception {
    model = OnnxFixtures.iresnet18(16, SIDE, 8, 5);
    file = dir.resolve("r18.onnx");
    Files.write(file, model.toByteArray());
  }

  @Test
  void importedSavedModelEmbedsAsTheOnnxGraph() throws Exception {
    Path out = dir.resolve("imported");
    ModelImport.Result r = ModelImport.insightface(file, out, null, null);
    ModelSpec spec = r.spec();
    assertEquals("iresnet18", spec.backbone(), "depth from the units per stage");
    assertEquals(0.25f, spec.config().width(), "width from the stem's 16 channels");
    assertEquals(SIDE, spec.imageSize(), "input size from the graph input");
    assertEquals(8, spec.embeddingSize(), "embedding size from the Gemm");
    assertEquals(Standardization.ARCFACE, spec.standardization());
    assertEquals(ModelLayout.of(spec).variables().size(), r.tensors());

    float[] px = ModelExporterTest.pixels(N, SIDE, 3);
    double[][] expected = OnnxReference.embeddings(model, px, N, SIDE);
    float[][] got;
    try (Embedder e = Embedder.load(out)) {
      got = e.embed(px, N);
    }
    double cos = 1;
    for (int i = 0; i < N; i++) {
      double dot = 0;
      for (int j = 0; j < 8; j++) {
        assertEquals(expected[i][j], got[i][j], 1e-5, "image " + i + " dim " + j);
        dot += expected[i][j] * got[i][j];
      }
      cos = Math.min(cos, dot);
    }
    assertTrue(cos > 0.99999, "cosine " + cos);
    // The reference is not trivially close: other images give other embeddings.
    assertTrue(Math.abs(expected[0][0] - expected[1][0]) + Math.abs(expected[0][1] - expected[1][1]) > 1e-3);

    String meta = Files.readString(out.resolve(ModelMetadata.FILE_NAME), StandardCharsets.UTF_8);
    assertTrue(meta.contains("\"kind\": \"insightface onnx\""), meta);
    assertTrue(meta.contains("\"file\": \"r18.onnx\""), meta);
    assertTrue(meta.contains("\"r18.onnx\": \"" + Sha256.of(file) + "\""), meta);
    assertTrue(meta.contains("\"standardization\": \"arcface: (x - 127.5) / 127.5"), meta);
    assertTrue(meta.contains("\"alignment\": \"similarity"), meta);
    assertTrue(meta.contains("\"image_size\": 32") && meta.contains("\"embedding_size\": 8"), meta);
  }

  /** Imports {@code file} and checks its embeddings against the float64 evaluation of {@code reference}. */
  static Path assertImportsAs(Onnx.ModelProto reference, Path file, Path out) throws Exception {
    ModelImport.insightface(file, out, null, null);
    float[] px = ModelExporterTest.pixels(N, SIDE, 7);
    double[][] expected = OnnxReference.embeddings(reference, px, N, SIDE);
    try (Embedder e = Embedder.load(out)) {
      float[][] got = e.embed(px, N);
      for (int i = 0; i < N; i++) {
        for (int j = 0; j < 8; j++) assertEquals(expected[i][j], got[i][j], 1e-5, "image " + i + " dim " + j);
      }
    }
    return out;
  }

  @Test
  void batchNormalizationNodesAfterConvolutionsAreFoldedAtImport() throws Exception {
    Onnx.ModelProto unfolded = OnnxFixtures.iresnet18Unfolded(16, SIDE, 8, 6);
    assertTrue(unfolded.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("BatchNormalization")).count()
        > 20, "a BatchNormalization node after every Conv");
    Path f = dir.resolve("r18-unfolded.onnx");
    Files.write(f, unfolded.toByteArray());
    assertImportsAs(unfolded, f, dir.resolve("imported-unfolded"));
  }

  @Test
  void weightsInAnExternalDataFileBesideTheModelAreReadAndHashed() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("external"));
    Onnx.ModelProto ext = OnnxFixtures.externalised(model, sub, "r18x.onnx.data");
    assertTrue(ext.getGraph().getInitializer(0).getRawData().isEmpty());
    Path f = sub.resolve("r18x.onnx");
    Files.write(f, ext.toByteArray());
    Path out = assertImportsAs(model, f, dir.resolve("imported-external"));
    String meta = Files.readString(out.resolve(ModelMetadata.FILE_NAME), StandardCharsets.UTF_8);
    assertTrue(meta.contains("\"r18x.onnx.data\": \"" + Sha256.of(sub.resolve("r18x.onnx.data")) + "\""), meta);
  }

  @Test
  void pretrainedModelSourceHoldsEveryNetworkVariableByName() throws Exception {
    TensorSource src = PretrainedWeights.open(file);
    assertEquals("insightface-onnx", src.kind());
    ModelSpec spec = ((OnnxTensors) src).spec();
    ModelLayout layout = ModelLayout.of(spec);
    Map<String, NamedTensor> found = src.read(layout.paths());
    assertEquals(layout.paths(), List.copyOf(found.keySet()), "every variable of IResNet18 at width 0.25");
    // The stem's weights are the first Conv's, OIHW -> HWIO: w[o][i][kh][kw] at [kh][kw][i][o].
    OnnxModel onnx = OnnxModel.read(file);
    OnnxModel.Node stem = onnx.nodes().get(0);
    assertEquals("Conv", stem.op());
    float[] oihw = onnx.tensor(stem.input(1), stem).values();
    float[] hwio = found.get("IResNet18/conv1/weights").values();
    assertEquals(oihw[((5 * 3 + 2) * 3 + 1) * 3 + 0], hwio[((1 * 3 + 0) * 3 + 2) * 16 + 5]);
  }

  @Test
  void anotherEmbeddingSizeIsRefusedNamingTheFullyConnectedLayer() {
    Path out = dir.resolve("out-size");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelImport.insightface(file, out, 512, null));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("IResNet18/fc/weights"), e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void aFileThatIsNotOnnxIsNamed() throws Exception {
    Path bad = dir.resolve("photo.onnx");
    Files.write(bad, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0});
    Path out = dir.resolve("out-bad");
    Exception e = assertThrows(Exception.class, () -> ModelImport.insightface(bad, out, null, null));
    assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("ONNX"), e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void aTruncatedFileIsNamedWithTheFirstTensorItLacks() throws Exception {
    byte[] all = Files.readAllBytes(file);
    Path cut = dir.resolve("cut.onnx");
    Files.write(cut, Arrays.copyOf(all, all.length * 2 / 3));
    Path out = dir.resolve("out-cut");
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> ModelImport.insightface(cut, out, null, null));
    assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    assertTrue(e.getMessage().contains("the first tensor it lacks: node #") && e.getMessage().contains("input '")
        && e.getMessage().contains("is missing (the file ends before it)"), e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void anotherArchitectureIsNamedAtItsFirstNodeOff() throws Exception {
    Onnx.GraphProto.Builder g = model.getGraph().toBuilder();
    int k = -1;
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (g.getNode(i).getOpType().equals("PRelu") && g.getNode(i).getName().startsWith("/layer2")) {
        k = i;
        break;
      }
    }
    g.setNode(k, g.getNode(k).toBuilder().setOpType("Relu").clearInput().addInput(g.getNode(k).getInput(0)));
    Path relu = dir.resolve("relu.onnx");
    Files.write(relu, model.toBuilder().setGraph(g).build().toByteArray());
    Path out = dir.resolve("out-relu");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelImport.insightface(relu, out, null, null));
    assertTrue(e.getMessage().contains(relu.toString()) && e.getMessage().contains("node #" + k + " '/layer2/layer2.0/prelu/PRelu' (Relu)")
        && e.getMessage().contains("PRelu"), e.getMessage());
    assertFalse(Files.exists(out));
  }
}
