package org.facenet.align;

import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * The three MTCNN networks in one graph and one session, with the steps around them that TensorFlow does: each
 * pyramid level is the photo resized by TensorFlow's ResizeArea and rounded to 8 bits (what facenet's
 * {@code cv2.resize(img, ..., INTER_AREA)} gives on its 8-bit photo; see docs/align.md), normalised and run
 * through PNet in one session run; the crops of a stage (RNet, ONet) go through their network in one run.
 * Thread-safe (TensorFlow sessions are).
 */
public final class Mtcnn implements AutoCloseable {

  /** PNet on one pyramid level: an {@code height x width} map of face probabilities and 4 regressions a cell. */
  public record PNetResult(int height, int width, float[] probability, float[] regression) {}

  /** RNet or ONet on {@code n} crops: face probability, 4 regressions and (ONet) 10 landmark values each. */
  public record StageResult(int n, float[] probability, float[] regression, float[] landmarks) {}

  private final Graph graph;
  private final Session session;
  private final Placeholder<TUint8> image;
  private final Placeholder<TInt32> size;
  private final Operand<TFloat32> level;
  private final Operand<TUint8> resized;
  private final MtcnnNetworks.PNetOutputs pnet;
  private final Placeholder<TFloat32> rnetCrops;
  private final MtcnnNetworks.StageOutputs rnet;
  private final Placeholder<TFloat32> onetCrops;
  private final MtcnnNetworks.StageOutputs onet;

  public Mtcnn() {
    this(MtcnnWeights.facenet());
  }

  public Mtcnn(MtcnnWeights weights) {
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      image = tf.withName("image").placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, 3)));
      size = tf.withName("size").placeholder(TInt32.class, Placeholder.shape(Shape.of(2)));
      Operand<TFloat32> area = tf.image.resizeArea(tf.expandDims(image, tf.constant(0)), size);
      level = tf.withName("level").math.round(area);
      resized = tf.dtypes.cast(tf.squeeze(level, Squeeze.axis(List.of(0L))), TUint8.class);
      pnet = MtcnnNetworks.pnet(tf.withSubScope("pnet"), weights, normalise(tf, level));
      rnetCrops = tf.withName("rnet_crops").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 24, 24, 3)));
      rnet = MtcnnNetworks.rnet(tf.withSubScope("rnet"), weights, normalise(tf, rnetCrops));
      onetCrops = tf.withName("onet_crops").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 48, 48, 3)));
      onet = MtcnnNetworks.onet(tf.withSubScope("onet"), weights, normalise(tf, onetCrops));
      session = new Session(graph);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** facenet's normalisation, (x - 127.5) * 0.0078125. */
  private static Operand<TFloat32> normalise(Ops tf, Operand<TFloat32> pixels) {
    return tf.math.mul(tf.math.sub(pixels, tf.constant(127.5f)), tf.constant(0.0078125f));
  }

  /** An RGB photo as the tensor the pyramid takes. */
  public static TUint8 tensor(RgbImage photo) {
    return TUint8.tensorOf(Shape.of(photo.height(), photo.width(), 3), DataBuffers.of(photo.rgb(), true, false));
  }

  /** The photo resized to {@code height x width} by area averaging and rounded to 8 bits (a pyramid level). */
  public RgbImage resize(TUint8 photo, int height, int width) {
    try (TInt32 hw = TInt32.vectorOf(height, width);
        Result r = session.runner().feed(image, photo).feed(size, hw).fetch(resized).run()) {
      byte[] rgb = new byte[height * width * 3];
      ((TUint8) r.get(0)).copyTo(DataBuffers.of(rgb, false, false));
      return new RgbImage(width, height, rgb);
    }
  }

  /** PNet on the photo resized to {@code height x width}. */
  public PNetResult pnet(TUint8 photo, int height, int width) {
    try (TInt32 hw = TInt32.vectorOf(height, width);
        Result r = session.runner().feed(image, photo).feed(size, hw)
            .fetch(pnet.probabilities()).fetch(pnet.regression()).run()) {
      return pnetResult((TFloat32) r.get(0), (TFloat32) r.get(1));
    }
  }

  /** PNet on a pyramid level given directly ([1, H, W, 3] pixel values 0..255), bypassing the resize (tests). */
  PNetResult pnetOnLevel(TFloat32 pixels) {
    try (Result r = session.runner().feed(level, pixels).fetch(pnet.probabilities()).fetch(pnet.regression()).run()) {
      return pnetResult((TFloat32) r.get(0), (TFloat32) r.get(1));
    }
  }

  private static PNetResult pnetResult(TFloat32 prob, TFloat32 reg) {
    int h = (int) prob.shape().size(1);
    int w = (int) prob.shape().size(2);
    float[] p2 = new float[h * w * 2];
    prob.copyTo(DataBuffers.of(p2, false, false));
    float[] face = new float[h * w];
    for (int i = 0; i < face.length; i++) face[i] = p2[2 * i + 1];
    float[] regression = new float[h * w * 4];
    reg.copyTo(DataBuffers.of(regression, false, false));
    return new PNetResult(h, w, face, regression);
  }

  /** RNet on {@code n} crops of 24 x 24 x 3 pixel values 0..255 (HWC, the photo's orientation). */
  public StageResult rnet(float[] crops, int n) {
    return stage(rnetCrops, rnet, crops, n, 24);
  }

  /** ONet on {@code n} crops of 48 x 48 x 3 pixel values 0..255. */
  public StageResult onet(float[] crops, int n) {
    return stage(onetCrops, onet, crops, n, 48);
  }

  private StageResult stage(Placeholder<TFloat32> input, MtcnnNetworks.StageOutputs outputs, float[] crops, int n,
      int side) {
    if (crops.length != n * side * side * 3) throw new IllegalArgumentException("expected " + n + " crops");
    try (TFloat32 in = TFloat32.tensorOf(Shape.of(n, side, side, 3), DataBuffers.of(crops, true, false))) {
      Session.Runner runner = session.runner().feed(input, in).fetch(outputs.probabilities()).fetch(outputs.regression());
      if (outputs.landmarks() != null) runner.fetch(outputs.landmarks());
      try (Result r = runner.run()) {
        float[] p2 = new float[n * 2];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(p2, false, false));
        float[] face = new float[n];
        for (int i = 0; i < n; i++) face[i] = p2[2 * i + 1];
        float[] regression = new float[n * 4];
        ((TFloat32) r.get(1)).copyTo(DataBuffers.of(regression, false, false));
        float[] landmarks = null;
        if (outputs.landmarks() != null) {
          landmarks = new float[n * 10];
          ((TFloat32) r.get(2)).copyTo(DataBuffers.of(landmarks, false, false));
        }
        return new StageResult(n, face, regression, landmarks);
      }
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
