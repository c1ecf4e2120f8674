package org.facenet.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ScaleAndTranslate;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Image files to the model's input with TensorFlow's own kernels, for inference (facenet-embed, facenet-verify, the
 * held-out evaluation): DecodeImage (libjpeg-turbo, libpng; grayscale, RGBA, palette and 16-bit images come out as
 * 8-bit RGB), then one ScaleAndTranslate that takes the centre square and resamples it to {@code size x size} with
 * an antialiased triangle (bilinear) filter, as Python's {@code tf.image.resize(..., antialias=True)} does. The result
 * is HWC RGB floats 0..255, what the SavedModel takes.
 *
 * <p>Training keeps {@link ImageDecoder} (ImageIO + Java2D), whose one affine resampling also does the random crop,
 * flip and rotation. Both take the same centre square and resample bilinearly; pixel values can differ by a few
 * levels (JPEG decoders' rounding, filter widths when shrinking).
 *
 * <p>Thread-safe: each call runs the small graph in the calling thread (inter-op "run in caller thread"), so decoder
 * threads do not queue behind the model's ops in TensorFlow's shared pool.
 */
public final class TensorFlowImageDecoder implements AutoCloseable {

  private final int size;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TString> contents;
  private final DecodeImage<TUint8> decoded;
  private final Operand<TFloat32> resampled;

  public TensorFlowImageDecoder(int size) {
    if (size < 1) throw new IllegalArgumentException("image size must be >= 1, got " + size);
    this.size = size;
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      contents = tf.withName("contents").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      decoded = tf.image.decodeImage(contents, TUint8.class, DecodeImage.channels(3L),
          DecodeImage.expandAnimations(false));
      // height and width as floats; the centre square's side, top and left (fractional when the excess is odd)
      Operand<TFloat32> hw = tf.dtypes.cast(tf.slice(tf.shape(decoded), tf.constant(new int[] {0}),
          tf.constant(new int[] {2})), TFloat32.class);
      Operand<TFloat32> side = tf.min(hw, tf.constant(0));
      Operand<TFloat32> scale = tf.math.div(tf.constant((float) size), side);
      Operand<TFloat32> topLeft = tf.math.div(tf.math.sub(hw, side), tf.constant(2f));
      // ScaleAndTranslate maps input x to output x * scale + translation (pixel-centre coordinates)
      Operand<TFloat32> translation = tf.math.neg(tf.math.mul(topLeft, scale));
      Operand<TFloat32> scales = tf.concat(List.of(tf.reshape(scale, tf.constant(new int[] {1})),
          tf.reshape(scale, tf.constant(new int[] {1}))), tf.constant(0));
      resampled = tf.withName("resampled").image.scaleAndTranslate(tf.expandDims(decoded, tf.constant(0)),
          tf.constant(new int[] {size, size}), scales, translation, ScaleAndTranslate.kernelType("triangle"),
          ScaleAndTranslate.antialias(true));
      ConfigProto config = ConfigProto.newBuilder().setInterOpParallelismThreads(-1).build();
      session = new Session(graph, config);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  public int size() {
    return size;
  }

  /**
   * The centre square of the image in {@code file}, {@code size x size} HWC RGB floats 0..255. An empty, corrupt,
   * truncated or non-image file is a {@link BadImageException} naming it.
   */
  public float[] decode(Path file) throws BadImageException {
    float[] out = new float[size * size * 3];
    decodeInto(file, out, 0);
    return out;
  }

  /** {@link #decode} into {@code out} from {@code offset} (size * size * 3 values). */
  public void decodeInto(Path file, float[] out, int offset) throws BadImageException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BadImageException(file, "cannot read (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
    }
    if (bytes.length == 0) throw new BadImageException(file, "empty file (0 bytes)");
    int n = size * size * 3;
    try (TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(bytes));
        Result r = session.runner().feed(contents, in).fetch(decoded).run()) {
      TUint8 image = (TUint8) r.get(0);
      if (image.shape().size(0) == size && image.shape().size(1) == size) {
        // Already size x size: the resampling would be the identity (the triangle filter at scale 1 puts all weight
        // on the pixel itself), so copy. Aligned face crops (facenet's align output) take this path.
        byte[] raw = new byte[n];
        image.copyTo(DataBuffers.of(raw, false, false));
        for (int i = 0; i < n; i++) out[offset + i] = raw[i] & 0xFF;
      } else {
        try (Result s = session.runner().feed(decoded, image).fetch(resampled).run()) {
          ((TFloat32) s.get(0)).copyTo(DataBuffers.of(out, false, false).offset(offset).narrow(n));
        }
      }
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
      throw new BadImageException(file, "corrupt, truncated or not a JPEG/PNG image (TensorFlow: " + message + ")", e);
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
