package org.facenet.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.facenet.data.TensorFlowImageDecoder;
import org.facenet.embed.Embedder;
import org.facenet.nn.BackboneConfig;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/** The TF Serving layout and its embed_image_bytes signature. */
public class ServingLayoutTest {

  static final ModelSpec SPEC = new ModelSpec("resnet18", 32, new BackboneConfig(8, 1f, 0.125f, 0.1f), 0f,
      Standardization.FIXED);

  @TempDir
  Path dir;

  /** A smooth random RGB image (so that resampling matters) of w x h, written as {@code format}. */
  static Path image(Path file, int w, int h, String format, long seed) throws Exception {
    Random r = new Random(seed);
    double[] f = {r.nextDouble() * 0.3, r.nextDouble() * 0.3, r.nextDouble() * 0.3};
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
          int v = (int) (127.5 + 100 * Math.sin(f[c] * x + (c + 1) * 0.2 * y) + r.nextInt(20) - 10);
          rgb = (rgb << 8) | Math.max(0, Math.min(255, v));
        }
        img.setRGB(x, y, rgb);
      }
    }
    assertTrue(ImageIO.write(img, format, file.toFile()));
    return file;
  }

  @Test
  void bothSignaturesGiveFacenetEmbedsEmbeddingsForTheSameFiles() throws Exception {
    Path checkpoint = ServingGraphOpsTest.randomCheckpoint(SPEC, dir.resolve("ckpt"));
    Path version = ServingLayout.export(SPEC, checkpoint, dir.resolve("serving/facenet"), new ModelMetadata(SPEC));
    assertEquals(dir.resolve("serving/facenet/1"), version);
    assertTrue(Files.readString(version.resolve(ModelMetadata.FILE_NAME)).contains("\"image_bytes_signature\""));
    // An odd excess (centre square at a half pixel), an image already at the model's size, and one to enlarge.
    List<Path> files = List.of(image(dir.resolve("a.jpg"), 47, 38, "jpg", 1), image(dir.resolve("b.png"), 32, 32, "png", 2),
        image(dir.resolve("c.png"), 20, 27, "png", 3));
    int n = files.size();
    int d = SPEC.embeddingSize();
    int per = 32 * 32 * 3;

    // facenet-embed's path: TensorFlowImageDecoder, then the serving_default signature (Embedder).
    float[] pixels = new float[n * per];
    try (TensorFlowImageDecoder decoder = new TensorFlowImageDecoder(32)) {
      for (int i = 0; i < n; i++) decoder.decodeInto(files.get(i), pixels, i * per);
    }
    float[][] expected;
    try (Embedder embedder = Embedder.load(version)) {
      expected = embedder.embed(pixels, n);
    }

    byte[][] bytes = new byte[n][];
    for (int i = 0; i < n; i++) bytes[i] = Files.readAllBytes(files.get(i));
    try (SavedModelBundle bundle = SavedModelBundle.load(version.toString(), ModelExporter.TAG);
        TString in = TString.tensorOfBytes(NdArrays.vectorOfObjects(bytes));
        Result r = bundle.function(ModelExporter.BYTES_SIGNATURE).call(Map.of(ModelExporter.BYTES_INPUT, in));
        TFloat32 px = TFloat32.tensorOf(Shape.of(n, 32, 32, 3), DataBuffers.of(pixels, true, false));
        Result p = bundle.function(ModelExporter.SIGNATURE).call(Map.of(ModelExporter.INPUT, px))) {
      float[][] fromBytes = Embedder.rows((TFloat32) r.get(ModelExporter.OUTPUT).orElseThrow());
      float[][] fromPixels = Embedder.rows((TFloat32) p.get(ModelExporter.OUTPUT).orElseThrow());
      assertEquals(n, fromBytes.length);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) {
          assertEquals(expected[i][j], fromBytes[i][j], 1e-5, files.get(i) + " dim " + j);
          assertEquals(expected[i][j], fromPixels[i][j], 1e-6, files.get(i) + " dim " + j);
        }
      }
      // Each image is decoded alone: its embedding does not depend on the others in the batch.
      try (TString one = TString.tensorOfBytes(NdArrays.vectorOfObjects(bytes[2]));
          Result alone = bundle.function(ModelExporter.BYTES_SIGNATURE).call(Map.of(ModelExporter.BYTES_INPUT, one))) {
        float[][] single = Embedder.rows((TFloat32) alone.get(ModelExporter.OUTPUT).orElseThrow());
        for (int j = 0; j < d; j++) assertEquals(fromBytes[2][j], single[0][j], 1e-6);
      }
    }
  }

  @Test
  void versionsCountUpFromTheHighestNumericFolder() throws Exception {
    Path model = dir.resolve("serving/facenet");
    assertEquals(1, ServingLayout.nextVersion(model), "a new model starts at version 1");
    Files.createDirectories(model.resolve("3"));
    Files.createDirectories(model.resolve("12"));
    Files.createDirectories(model.resolve("notes"));
    Files.writeString(model.resolve("99"), "a file, not a version");
    assertEquals(13, ServingLayout.nextVersion(model), "numeric folders only; 12 > 3 numerically");
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServingLayout.check(file));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
  }
}
