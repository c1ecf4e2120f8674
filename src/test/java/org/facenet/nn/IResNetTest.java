package org.facenet.nn;

import static org.facenet.nn.ResNetTest.build;
import static org.facenet.nn.ResNetTest.dims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class IResNetTest {

  @ParameterizedTest
  @CsvSource({
      // name, insightface iresnetN(num_features=512): trainable parameters, all parameters (with the frozen
      // features.weight), 2 x MACs at 112 px; counted with torch 2.13 (forward hooks on Conv2d/Linear)
      "iresnet18, 24025088, 24025600, 5219909632",
      "iresnet34, 34138816, 34139328, 8919285760",
      "iresnet50, 43590336, 43590848, 12618661888",
      "iresnet100, 65155648, 65156160, 24179212288"})
  void fullSizeMatchesInsightface(String name, long trainable, long all, double flops) {
    ResNetTest.Built b = build(name, 112, 512, 1f, 1f);
    assertEquals(trainable, b.trainable(), name + ": exactly insightface's trainable parameters");
    assertEquals(all, b.trainable(), all * 0.01, name + ": within 1 % of all of insightface's parameters");
    assertEquals(flops, b.flops(), name + ": FLOPs (and so every map size and stride) as torch counts them");
    assertEquals(List.of(-1L, 512L), b.embeddings());
    IResNet r = (IResNet) Backbones.create(name);
    assertEquals(trainable, r.referenceParameters512());
    assertTrue(r.reference().contains(String.format(java.util.Locale.ROOT, "%,d", trainable)), r.reference());
    // 128-D: the FC's columns, its biases and the features' betas go.
    assertEquals(b.trainable() - build(name, 112, 128, 1f, 1f).trainable(), 512L * 7 * 7 * 384 + 384 + 384);
  }

  @Test
  void layoutIsInsightfaces() {
    ResNetTest.Built b = build("iresnet50", 112, 512, 1f, 1f);
    // Stem: conv 3x3 64, BN (affine), PReLU.
    assertEquals(List.of(3L, 3L, 3L, 64L), dims(b, "IResNet50/conv1/weights"));
    assertTrue(b.has("IResNet50/conv1/BatchNorm/gamma"));
    assertEquals(List.of(64L), dims(b, "IResNet50/conv1/alpha"));
    // Unit: BN, conv 3x3, BN, PReLU, conv 3x3/stride, BN; no activation after conv2 or after the sum.
    String u = "IResNet50/layer2/unit_1/";
    assertEquals(List.of(64L), dims(b, u + "preact/BatchNorm/gamma"));
    assertEquals(List.of(3L, 3L, 64L, 128L), dims(b, u + "conv1/weights"));
    assertEquals(List.of(128L), dims(b, u + "conv1/alpha"));
    assertEquals(List.of(3L, 3L, 128L, 128L), dims(b, u + "conv2/weights"));
    assertTrue(b.has(u + "conv2/BatchNorm/gamma"));
    assertFalse(b.has(u + "conv2/alpha"));
    assertFalse(b.has(u + "alpha"));
    // Every stage's first unit downsamples with a 1x1 projection, the others keep the identity.
    for (int stage = 1; stage <= 4; stage++) {
      assertTrue(b.has("IResNet50/layer" + stage + "/unit_1/shortcut/BatchNorm/gamma"), "stage " + stage);
      assertFalse(b.has("IResNet50/layer" + stage + "/unit_2/shortcut/weights"), "stage " + stage);
    }
    assertTrue(b.has("IResNet50/layer3/unit_14/conv2/weights"));
    assertFalse(b.has("IResNet50/layer3/unit_15/conv2/weights"));
    ResNetTest.Built r100 = build("iresnet100", 32, 8, 0.125f, 1f); // unit counts do not depend on the size
    assertTrue(r100.has("IResNet100/layer2/unit_13/conv2/weights"));
    assertTrue(r100.has("IResNet100/layer3/unit_30/conv2/weights"));
    assertFalse(r100.has("IResNet100/layer3/unit_31/conv2/weights"));
    // Head: BN (affine), flatten 7 x 7 x 512, FC with bias, features BN with its scale fixed at 1.
    assertTrue(b.has("IResNet50/bn2/BatchNorm/gamma"));
    assertEquals(List.of(512L * 7 * 7, 512L), dims(b, "IResNet50/fc/weights"));
    assertEquals(List.of(512L), dims(b, "IResNet50/fc/biases"));
    assertEquals(List.of(512L), dims(b, "IResNet50/features/BatchNorm/beta"));
    assertFalse(b.has("IResNet50/features/BatchNorm/gamma"));
  }

  @Test
  void batchNormIsPyTorchsWhateverTheTowerSays() {
    // momentum 0.1: after one update from 0 the moving mean is 0.1 x the batch mean of the stem convolution.
    assertEquals(0.1, ResNetTest.movingMeanRate("iresnet18", "IResNet18/conv1"), 1e-4);
    Map<String, Float> eps = ResNetTest.epsilons("iresnet18");
    assertFalse(eps.isEmpty());
    eps.forEach((op, e) -> assertEquals(1e-5f, e, op));
  }

  @Test
  void tinyConfigurationAndSmallestInput() {
    ResNetTest.Built tiny = build("iresnet100", 32, 16, 0.125f, 0.1f);
    assertEquals(List.of(-1L, 16L), tiny.embeddings());
    // 32 px -> a 2 x 2 map of 64 channels into the FC.
    assertEquals(List.of(2L * 2 * 64, 16L), dims(tiny, "IResNet100/fc/weights"));
    assertTrue(tiny.has("IResNet100/layer3/unit_3/conv2/weights"));
    assertFalse(tiny.has("IResNet100/layer3/unit_4/conv2/weights"));
    assertEquals(List.of(64L, 8L), dims(build("iresnet18", 16, 8, 0.125f, 1f), "IResNet18/fc/weights"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ModelSpec("iresnet18", 15, new BackboneConfig(8, 1f, 1f, 1f), 0f, Standardization.FIXED));
    assertTrue(e.getMessage().contains("16"), e.getMessage());
  }

  @Test
  void stridedConvolutionPadsLikePyTorch() {
    // A 3x3 stride-2 convolution of ones over a 4x4 input with PyTorch's padding=1 sums the windows centred on
    // (0,0), (0,2), (2,0), (2,2); TensorFlow's SAME would centre them on (1,1), (1,3), (3,1), (3,3).
    float[] x = new float[16];
    for (int i = 0; i < 16; i++) x[i] = i + 1;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 4, 4, 1)));
      VariableStore store = new VariableStore(tf, 1);
      var y = Layers.tower(store, false, 0f, Layers.BatchNormConfig.FACENET)
          .paddedConv("c", in, 1, 3, 2, false, Activation.NONE);
      var ones = tf.assign(store.entry("c/weights").variable(), tf.fill(tf.constant(new long[] {3, 3, 1, 1}),
          tf.constant(1f)));
      try (Session s = new Session(g);
          TFloat32 t = TFloat32.tensorOf(Shape.of(1, 4, 4, 1), DataBuffers.of(x, true, false))) {
        s.initialize();
        s.runner().addTarget(ones).run();
        try (Result r = s.runner().feed(in, t).fetch(y).run()) {
          TFloat32 out = (TFloat32) r.get(0);
          assertEquals(Shape.of(1, 2, 2, 1), out.shape());
          for (int oy = 0; oy < 2; oy++) {
            for (int ox = 0; ox < 2; ox++) {
              double sum = 0;
              for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                  int yy = 2 * oy + dy;
                  int xx = 2 * ox + dx;
                  if (yy >= 0 && yy < 4 && xx >= 0 && xx < 4) sum += x[yy * 4 + xx];
                }
              }
              assertEquals(sum, out.getFloat(0, oy, ox, 0), 1e-5, "output " + oy + "," + ox);
            }
          }
        }
      }
    }
  }

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"iresnet18", "iresnet34", "iresnet50", "iresnet100"})
  void trainsExportsAndReloads(String name) throws Exception {
    ResNetTest.trainExportReload(name, dir);
  }
}
