package org.facenet.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.facenet.embed.Embedder;
import org.facenet.loss.SoftmaxLoss;
import org.facenet.nn.BackboneConfig;
import org.facenet.nn.EmbeddingModel;
import org.facenet.nn.Layers;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.facenet.nn.VariableStore;
import org.facenet.train.Checkpoints;
import org.facenet.train.Optimizer;
import org.facenet.train.OptimizerKind;
import org.facenet.train.TrainingGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Train a few steps, checkpoint, export, reload: the SavedModel computes what the trained weights compute. */
public class ModelExporterTest {

  public static final ModelSpec TINY = new ModelSpec("inception-resnet-v1", 75, new BackboneConfig(16, 0.8f, 0.125f, 0.2f),
      5e-4f, Standardization.FIXED);

  @TempDir
  Path dir;

  public static float[] pixels(int n, int size, long seed) {
    Random r = new Random(seed);
    float[] px = new float[n * size * size * 3];
    for (int i = 0; i < px.length; i++) px[i] = r.nextInt(256);
    return px;
  }

  /** Trains TINY for a few steps and returns the checkpoint prefix. */
  public static Path trainFewSteps(ModelSpec spec, Path runDir) throws Exception {
    int n = 8;
    int s = spec.imageSize();
    int[] labels = {0, 1, 2, 3, 0, 1, 2, 3};
    try (TrainingGraph g = TrainingGraph.build(spec, new SoftmaxLoss(), 4, Optimizer.facenet(OptimizerKind.ADAM), 3);
        Session session = new Session(g.graph);
        TFloat32 x = TFloat32.tensorOf(Shape.of(n, s, s, 3), DataBuffers.of(pixels(n, s, 1), true, false));
        TInt32 y = TInt32.tensorOf(Shape.of(n), DataBuffers.of(labels, true, false));
        TFloat32 lr = TFloat32.scalarOf(0.01f)) {
      session.initialize();
      for (int i = 0; i < 3; i++) {
        session.runner().feed(g.images, x).feed(g.labels, y).feed(g.learningRate, lr).addTarget(g.trainOp).run();
      }
      return new Checkpoints(runDir, 3).save(session, 3);
    }
  }

  /** The inference tower of {@code spec} in a fresh graph, restored from {@code checkpoint}. */
  public static float[] referenceEmbeddings(ModelSpec spec, Path checkpoint, float[] px, int n) {
    int s = spec.imageSize();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3)));
      var tower = EmbeddingModel.build(Layers.tower(new VariableStore(tf, 0), false, 0f, Layers.BatchNormConfig.FACENET),
          in, spec);
      try (Session session = new Session(g);
          TFloat32 x = TFloat32.tensorOf(Shape.of(n, s, s, 3), DataBuffers.of(px, true, false))) {
        session.restore(checkpoint.toString());
        try (Result r = session.runner().feed(in, x).fetch(tower.embeddings()).run()) {
          float[] out = new float[n * spec.embeddingSize()];
          ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
          return out;
        }
      }
    }
  }

  @Test
  void exportedModelReloadsInJavaWithEqualEmbeddings() throws Exception {
    Path checkpoint = trainFewSteps(TINY, dir.resolve("run"));
    assertEquals(3, Checkpoints.stepOf(checkpoint));
    Path saved = dir.resolve("saved_model");
    ModelExporter.export(TINY, checkpoint, saved, new ModelMetadata(TINY).put("steps", 3));
    assertTrue(Files.exists(saved.resolve("saved_model.pb")));
    assertTrue(Files.readString(saved.resolve(ModelMetadata.FILE_NAME)).contains("\"backbone\": \"inception-resnet-v1\""));
    try (var siblings = Files.list(dir)) {
      assertFalse(siblings.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary directory left");
    }

    int n = 5;
    float[] px = pixels(n, TINY.imageSize(), 9);
    float[] expected = referenceEmbeddings(TINY, checkpoint, px, n);
    try (Embedder embedder = Embedder.load(saved)) {
      assertEquals(75, embedder.imageSize());
      assertEquals(16, embedder.embeddingSize());
      float[][] got = embedder.embed(px, n);
      for (int i = 0; i < n; i++) {
        double norm = 0;
        for (int j = 0; j < 16; j++) {
          assertEquals(expected[i * 16 + j], got[i][j], 1e-5, "image " + i + " dim " + j);
          norm += got[i][j] * (double) got[i][j];
        }
        assertEquals(1.0, Math.sqrt(norm), 1e-5);
      }
      // Inference mode: an image's embedding does not depend on the rest of the batch (no batch statistics).
      float[][] alone = embedder.embed(java.util.Arrays.copyOf(px, TINY.imageSize() * TINY.imageSize() * 3), 1);
      for (int j = 0; j < 16; j++) assertEquals(got[0][j], alone[0][j], 1e-5);
    }
  }

  /**
   * Batch norms and residual scales folded at export compute what they computed unfolded, with statistics far from their initial ones
   * (a few training steps barely move them): every beta, gamma, moving mean and moving variance of an unfolded
   * inference tower is set at random and saved as the checkpoint; the exported model must give that tower's
   * embeddings, keep no moving statistics and, where every batch norm follows a layer, no batch-norm op.
   */
  @ParameterizedTest
  @ValueSource(strings = {"inception-resnet-v1", "resnet18", "iresnet18"})
  void foldedExportComputesWhatTheUnfoldedTowerDid(String backbone) throws Exception {
    ModelSpec spec = backbone.equals("inception-resnet-v1") ? TINY
        : new ModelSpec(backbone, 32, new BackboneConfig(8, 1f, 0.125f, 0.1f), 0f, Standardization.FIXED);
    int s = spec.imageSize();
    Path checkpoint = dir.resolve("ckpt/model");
    java.nio.file.Files.createDirectories(checkpoint.getParent());
    Random random = new Random(5);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, 3);
      EmbeddingModel.build(Layers.tower(store, false, 0f, Layers.BatchNormConfig.FACENET),
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3))), spec);
      try (Session session = new Session(g)) {
        session.initialize();
        java.util.Map<String, float[]> values = store.values(session);
        for (var e : values.entrySet()) {
          String name = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
          float[] v = e.getValue();
          for (int i = 0; i < v.length; i++) {
            switch (name) {
              case "beta", "moving_mean" -> v[i] = (float) (random.nextDouble() - 0.5);
              case "gamma" -> v[i] = (float) (0.5 + random.nextDouble());
              case "moving_variance" -> v[i] = (float) (0.5 + 1.5 * random.nextDouble());
              default -> { }
            }
          }
        }
        store.assign(session, values);
        session.save(checkpoint.toString());
      }
    }
    Path saved = dir.resolve("folded");
    ModelExporter.export(spec, checkpoint, saved, new ModelMetadata(spec));
    int n = 4;
    int d = spec.embeddingSize();
    float[] px = pixels(n, s, 17);
    float[] expected = referenceEmbeddings(spec, checkpoint, px, n);
    try (Embedder embedder = Embedder.load(saved)) {
      float[][] got = embedder.embed(px, n);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) assertEquals(expected[i * d + j], got[i][j], 1e-5, backbone + " image " + i + " dim " + j);
      }
    }
    try (SavedModelBundle bundle = SavedModelBundle.load(saved.toString(), ModelExporter.TAG)) {
      var ops = new java.util.ArrayList<String>();
      bundle.graph().operations().forEachRemaining(o -> ops.add(o.type() + " " + o.name()));
      long batchNorms = ops.stream().filter(o -> o.startsWith("FusedBatchNorm")).count();
      long movingMeans = ops.stream().filter(o -> o.startsWith("Const ") && o.endsWith("/moving_mean")).count();
      assertEquals(batchNorms, movingMeans, "moving statistics are exported only for the batch norms left unfolded");
      assertTrue(ops.stream().noneMatch(o -> o.startsWith("Variable")), "the serving graph holds constants: " + ops);
      if (backbone.startsWith("iresnet")) {
        assertTrue(batchNorms > 0, "IResNet's batch norms before a convolution (pre-activation) stay");
      } else {
        assertEquals(0, batchNorms, "every batch norm of " + backbone + " follows a layer and is folded into it");
      }
    }
  }

  @Test
  void notASavedModelIsAClearError() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Embedder.load(dir));
    assertTrue(e.getMessage().contains("not a SavedModel"), e.getMessage());
  }
}
