package org.facenet.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import org.facenet.embed.Embedder;
import org.facenet.export.ModelExporter;
import org.facenet.export.ModelMetadata;
import org.facenet.loss.SoftmaxLoss;
import org.facenet.train.Checkpoints;
import org.facenet.train.Optimizer;
import org.facenet.train.OptimizerKind;
import org.facenet.train.TrainingGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

class ResNetTest {

  /** What a built tower tells: trainable parameters, FLOPs per image, the store, the embeddings' static shape. */
  record Built(long trainable, double flops, List<VariableStore.Entry> variables, List<Long> embeddings) {
    boolean has(String path) {
      return variables.stream().anyMatch(e -> e.path().equals(path));
    }
  }

  /** Builds {@code backbone}'s inference tower in a scratch graph (no session). */
  static Built build(String backbone, int imageSize, int embedding, float width, float depth) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, imageSize, imageSize, 3)));
      VariableStore store = new VariableStore(tf, 1);
      Layers layers = Layers.tower(store, false, 5e-4f, Layers.BatchNormConfig.FACENET);
      ModelSpec spec = new ModelSpec(backbone, imageSize, new BackboneConfig(embedding, 0.8f, width, depth), 5e-4f,
          Standardization.FIXED);
      var tower = EmbeddingModel.build(layers, x, spec);
      long trainable = store.trainable().stream().mapToLong(VariableStore.Entry::size).sum();
      return new Built(trainable, layers.flopsPerExample(), store.entries(),
          java.util.Arrays.stream(tower.embeddings().shape().asArray()).boxed().toList());
    }
  }

  @ParameterizedTest
  @CsvSource({
      // name, torchvision resnetN(num_classes=512) parameters, the same adapted like ResNet (trainable), 2 x MACs of
      // the adapted model at 112 px; all counted with torch 2.13 / torchvision 0.29.1 (forward hooks on Conv2d/Linear)
      "resnet18, 11439168, 11435712, 3460661248",
      "resnet34, 21547328, 21543872, 7160037376",
      "resnet50, 24557120, 24549440, 8060764160",
      "resnet101, 43549248, 43541568, 15485206528"})
  void fullSizeMatchesTorchvision(String name, long torchvision, long adapted, double flops) {
    Built b = build(name, 112, 512, 1f, 1f);
    assertEquals(torchvision, b.trainable(), torchvision * 0.01, name + ": within 1 % of torchvision, got " + b.trainable());
    assertEquals(adapted, b.trainable(), name + ": exactly the adapted torchvision model");
    assertEquals(flops, b.flops(), name + ": FLOPs (and so every map size and stride) as torch counts them");
    ResNet r = (ResNet) Backbones.create(name);
    assertEquals(torchvision, r.referenceParameters512());
    assertEquals(adapted, r.adaptedReferenceParameters512());
    assertTrue(r.reference().contains(String.format(java.util.Locale.ROOT, "%,d", torchvision)), r.reference());
    assertEquals(List.of(-1L, 512L), b.embeddings());
    // 128-D: only the bottleneck's columns and batch-norm betas go.
    long features = name.equals("resnet18") || name.equals("resnet34") ? 512 : 2048;
    assertEquals(b.trainable() - build(name, 112, 128, 1f, 1f).trainable(), features * 384 + 384);
  }

  @Test
  void unitsAreV1WithProjectionShortcutsAndSlimBatchNorm() {
    Built r18 = build("resnet18", 112, 512, 1f, 1f);
    // 3x3 stride-1 stem, no 7x7.
    assertEquals(List.of(3L, 3L, 3L, 64L), dims(r18, "ResNet18/conv1/weights"));
    // Basic block: two 3x3; the first stage downsamples, so its first unit projects its shortcut.
    assertEquals(List.of(3L, 3L, 64L, 64L), dims(r18, "ResNet18/block1/unit_1/conv2/weights"));
    assertEquals(List.of(1L, 1L, 64L, 64L), dims(r18, "ResNet18/block1/unit_1/shortcut/weights"));
    assertFalse(r18.has("ResNet18/block1/unit_2/shortcut/weights"));
    assertTrue(r18.has("ResNet18/block4/unit_2/conv2/BatchNorm/gamma"), "units' batch norm learns a scale");
    assertFalse(r18.has("ResNet18/block1/unit_1/preact/BatchNorm/beta"), "v1: no pre-activation");
    // facenet's bottleneck: no bias, batch norm with beta only.
    assertEquals(List.of(512L, 512L), dims(r18, "ResNet18/Bottleneck/weights"));
    assertTrue(r18.has("ResNet18/Bottleneck/BatchNorm/beta"));
    assertFalse(r18.has("ResNet18/Bottleneck/biases"));
    assertFalse(r18.has("ResNet18/Bottleneck/BatchNorm/gamma"));

    Built r50 = build("resnet50", 112, 128, 1f, 1f);
    assertEquals(List.of(1L, 1L, 64L, 64L), dims(r50, "ResNet50/block1/unit_1/conv1/weights"));
    assertEquals(List.of(1L, 1L, 64L, 256L), dims(r50, "ResNet50/block1/unit_1/conv3/weights"));
    assertEquals(List.of(1L, 1L, 64L, 256L), dims(r50, "ResNet50/block1/unit_1/shortcut/weights"));
    assertTrue(r50.has("ResNet50/block3/unit_6/conv3/weights"));
    assertFalse(r50.has("ResNet50/block3/unit_7/conv3/weights"));
    Built r101 = build("resnet101", 32, 8, 0.125f, 1f); // unit counts do not depend on the size
    assertTrue(r101.has("ResNet101/block3/unit_23/conv3/weights"));
    assertFalse(r101.has("ResNet101/block3/unit_24/conv3/weights"));
  }

  @Test
  void widthAndDepthShrinkTheModel() {
    Built tiny = build("resnet50", 32, 16, 0.125f, 0.1f);
    assertEquals(List.of(-1L, 16L), tiny.embeddings());
    assertEquals(List.of(1L, 1L, 8L, 32L), dims(tiny, "ResNet50/block1/unit_1/conv3/weights"));
    assertTrue(tiny.has("ResNet50/block3/unit_1/conv1/weights"));
    assertFalse(tiny.has("ResNet50/block3/unit_2/conv1/weights"), "depth 0.1 leaves one unit a stage");
    long full = build("resnet34", 64, 128, 1f, 1f).trainable();
    long half = build("resnet34", 64, 128, 0.5f, 1f).trainable();
    assertTrue(half < full * 0.3 && half > full * 0.2, full + " vs " + half);
  }

  @Test
  void smallestInput() {
    assertEquals(List.of(-1L, 8L), build("resnet18", 16, 8, 0.125f, 0.5f).embeddings());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ModelSpec("resnet18", 15, new BackboneConfig(8, 1f, 1f, 1f), 0f, Standardization.FIXED));
    assertTrue(e.getMessage().contains("16"), e.getMessage());
  }

  @Test
  void forwardGivesUnitEmbeddingsInBothTowers() {
    int n = 3;
    int s = 32;
    float[] px = pixels(n, s, 5);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3)));
      VariableStore store = new VariableStore(tf, 1);
      ModelSpec spec = new ModelSpec("resnet18", s, new BackboneConfig(16, 0.8f, 0.125f, 0.5f), 5e-4f,
          Standardization.FIXED);
      Layers train = Layers.tower(store, true, 5e-4f, Layers.BatchNormConfig.FACENET);
      var t = EmbeddingModel.build(train, x, spec);
      int variables = store.entries().size();
      var i = EmbeddingModel.build(Layers.tower(store, false, 0f, Layers.BatchNormConfig.FACENET), x, spec);
      assertEquals(variables, store.entries().size(), "the inference tower shares the training tower's variables");
      assertFalse(train.updateOps().isEmpty());
      try (Session session = new Session(g);
          TFloat32 in = TFloat32.tensorOf(Shape.of(n, s, s, 3), DataBuffers.of(px, true, false))) {
        session.initialize();
        for (Operand<TFloat32> out : List.of(t.embeddings(), i.embeddings())) {
          try (Result r = session.runner().feed(x, in).fetch(out).run()) {
            TFloat32 y = (TFloat32) r.get(0);
            assertEquals(Shape.of(n, 16), y.shape());
            for (int k = 0; k < n; k++) {
              double norm = 0;
              for (int j = 0; j < 16; j++) {
                float v = y.getFloat(k, j);
                assertTrue(Float.isFinite(v));
                norm += v * (double) v;
              }
              assertEquals(1.0, Math.sqrt(norm), 1e-5);
            }
          }
        }
      }
    }
  }

  @Test
  void unitsUseSlimBatchNormAndTheHeadFacenets() {
    // decay 0.997: after one update from 0 the moving mean is 0.003 x the batch mean of the stem convolution.
    assertEquals(0.003, movingMeanRate("resnet18", "ResNet18/conv1"), 1e-4);
    Map<String, Float> eps = epsilons("resnet18");
    assertEquals(Set.of(1e-5f, 1e-3f), Set.copyOf(eps.values()));
    long head = eps.entrySet().stream().filter(e -> e.getValue() == 1e-3f).count();
    assertEquals(1, head, "only the bottleneck uses facenet's epsilon: " + eps);
  }

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"resnet18", "resnet34", "resnet50", "resnet101"})
  void trainsExportsAndReloads(String name) throws Exception {
    trainExportReload(name, dir);
  }

  // ---- shared with IResNetTest ----

  static float[] pixels(int n, int size, long seed) {
    Random r = new Random(seed);
    float[] px = new float[n * size * size * 3];
    for (int i = 0; i < px.length; i++) px[i] = r.nextInt(256);
    return px;
  }

  static List<Long> dims(Built b, String path) {
    VariableStore.Entry e = b.variables().stream().filter(v -> v.path().equals(path)).findFirst().orElse(null);
    assertNotNull(e, path + " missing");
    return java.util.Arrays.stream(e.shape()).boxed().toList();
  }

  /** The epsilon of every FusedBatchNormV3 of {@code backbone}'s inference tower (tiny size), by op name. */
  static Map<String, Float> epsilons(String backbone) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 32, 32, 3)));
      ModelSpec spec = new ModelSpec(backbone, 32, new BackboneConfig(8, 1f, 0.125f, 0.1f), 0f, Standardization.FIXED);
      EmbeddingModel.build(Layers.tower(new VariableStore(tf, 1), false, 0f, Layers.BatchNormConfig.FACENET), x, spec);
      Map<String, Float> out = new java.util.TreeMap<>();
      g.operations().forEachRemaining(op -> {
        if (op.type().startsWith("FusedBatchNorm")) {
          out.put(op.name(), ((org.tensorflow.GraphOperation) op).attributes().getAttrFloat("epsilon"));
        }
      });
      return out;
    }
  }

  /**
   * One batch-norm update of the training tower (tiny size) on random images: the moving mean of the batch norm
   * after the stem convolution at {@code conv} over the batch mean of that convolution's output, i.e. 1 - decay.
   */
  static double movingMeanRate(String backbone, String conv) {
    int s = 32;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3)));
      VariableStore store = new VariableStore(tf, 1);
      ModelSpec spec = new ModelSpec(backbone, s, new BackboneConfig(8, 1f, 0.125f, 0.1f), 0f, Standardization.FIXED);
      Layers train = Layers.tower(store, true, 0f, Layers.BatchNormConfig.FACENET);
      EmbeddingModel.build(train, x, spec);
      Operand<TFloat32> y = tf.nn.conv2d(Standardization.FIXED.apply(tf, x), store.entry(conv + "/weights").read(),
          List.of(1L, 1L, 1L, 1L), "SAME");
      Operand<TFloat32> batchMean = tf.math.mean(y, tf.constant(new int[] {0, 1, 2}));
      Operand<TFloat32> moving = store.entry(conv + "/BatchNorm/moving_mean").read();
      try (Session session = new Session(g);
          TFloat32 in = TFloat32.tensorOf(Shape.of(4, s, s, 3), DataBuffers.of(pixels(4, s, 3), true, false))) {
        session.initialize();
        float[] mean = values(session, x, in, batchMean, List.of());
        values(session, x, in, batchMean, train.updateOps());
        float[] after = values(session, x, in, moving, List.of());
        int best = 0;
        for (int c = 1; c < mean.length; c++) if (Math.abs(mean[c]) > Math.abs(mean[best])) best = c;
        return after[best] / (double) mean[best];
      }
    }
  }

  private static float[] values(Session session, Placeholder<TFloat32> x, TFloat32 in, Operand<TFloat32> out,
      List<org.tensorflow.op.Op> targets) {
    Session.Runner r = session.runner().feed(x, in).fetch(out);
    for (var op : targets) r.addTarget(op);
    try (Result res = r.run()) {
      TFloat32 t = (TFloat32) res.get(0);
      float[] a = new float[(int) t.shape().size()];
      t.copyTo(DataBuffers.of(a, false, false));
      return a;
    }
  }

  /**
   * export/ModelExporterTest's round trip at a tiny size: three Adam steps of softmax training (finite losses, the
   * weights and the moving statistics move), a checkpoint, a SavedModel export, and the reloaded model computes what
   * the checkpoint's inference tower computes, image by image.
   */
  static void trainExportReload(String backbone, Path dir) throws Exception {
    int s = 32;
    int d = 16;
    ModelSpec spec = new ModelSpec(backbone, s, new BackboneConfig(d, 0.8f, 0.125f, 0.1f), 5e-4f, Standardization.FIXED);
    int n = 8;
    int[] labels = {0, 1, 2, 3, 0, 1, 2, 3};
    Path checkpoint;
    try (TrainingGraph g = TrainingGraph.build(spec, new SoftmaxLoss(), 4, Optimizer.facenet(OptimizerKind.ADAM), 3);
        Session session = new Session(g.graph);
        TFloat32 x = TFloat32.tensorOf(Shape.of(n, s, s, 3), DataBuffers.of(pixels(n, s, 1), true, false));
        TInt32 y = TInt32.tensorOf(Shape.of(n), DataBuffers.of(labels, true, false));
        TFloat32 lr = TFloat32.scalarOf(0.01f)) {
      session.initialize();
      VariableStore.Entry weights = g.variables.trainable().get(0);
      VariableStore.Entry moving = g.variables.entries().stream().filter(e -> !e.trainable()).findFirst().orElseThrow();
      float w0 = checksum(session, weights.read());
      float m0 = checksum(session, moving.read());
      for (int i = 0; i < 3; i++) {
        try (Result r = session.runner().feed(g.images, x).feed(g.labels, y).feed(g.learningRate, lr)
            .fetch(g.totalLoss).addTarget(g.trainOp).run()) {
          float loss = ((TFloat32) r.get(0)).getFloat();
          assertTrue(Float.isFinite(loss) && loss > 0f, backbone + " step " + i + " loss " + loss);
        }
      }
      assertNotEquals(w0, checksum(session, weights.read()), backbone + ": " + weights.path() + " did not train");
      assertNotEquals(m0, checksum(session, moving.read()), backbone + ": " + moving.path() + " was not updated");
      checkpoint = new Checkpoints(dir.resolve("run"), 3).save(session, 3);
    }
    Path saved = dir.resolve("saved_model");
    ModelExporter.export(spec, checkpoint, saved, new ModelMetadata(spec).put("steps", 3));
    assertTrue(Files.exists(saved.resolve("saved_model.pb")));

    int m = 5;
    float[] px = pixels(m, s, 9);
    float[] expected = org.facenet.export.ModelExporterTest.referenceEmbeddings(spec, checkpoint, px, m);
    try (Embedder embedder = Embedder.load(saved)) {
      assertEquals(s, embedder.imageSize());
      assertEquals(d, embedder.embeddingSize());
      float[][] got = embedder.embed(px, m);
      for (int i = 0; i < m; i++) {
        double norm = 0;
        for (int j = 0; j < d; j++) {
          assertEquals(expected[i * d + j], got[i][j], 1e-5, backbone + " image " + i + " dim " + j);
          norm += got[i][j] * (double) got[i][j];
        }
        assertEquals(1.0, Math.sqrt(norm), 1e-5);
      }
      float[][] alone = embedder.embed(java.util.Arrays.copyOf(px, s * s * 3), 1);
      for (int j = 0; j < d; j++) assertEquals(got[0][j], alone[0][j], 1e-5, "inference does not use batch statistics");
    }
  }

  /** A position-weighted sum of a variable's values: changes when any value does. */
  private static float checksum(Session session, Operand<TFloat32> v) {
    try (Result r = session.runner().fetch(v).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] a = new float[(int) t.shape().size()];
      t.copyTo(DataBuffers.of(a, false, false));
      double sum = 0;
      for (int i = 0; i < a.length; i++) sum += a[i] * (i + 1.0);
      return (float) sum;
    }
  }
}
