package org.facenet.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ImageProjectiveTransformV3;
import org.tensorflow.op.image.ScaleAndTranslate;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Image files to the model's input with TensorFlow's own kernels: the one decoder of the project, for training (the
 * {@link InputPipeline}), facenet-embed, facenet-verify and the held-out evaluation, so a file gives the same pixels
 * everywhere and a broken file is skipped everywhere.
 *
 * <ol>
 *   <li>The header's width and height are read first ({@link ImageHeader}); an image over {@code maxPixels} is refused
 *       before anything is decoded (decompression bombs).
 *   <li>DecodeImage (libjpeg-turbo, libpng, giflib; grayscale, RGBA, palette, 16-bit and CMYK images come out as 8-bit
 *       RGB). A truncated JPEG is an error: DecodeImage runs libjpeg with {@code try_recover_truncated} off and
 *       {@code acceptable_fraction} 1, so it does not fill the missing rows with grey (DecodeJpeg's defaults; checked
 *       by {@code TensorFlowImageDecoderTest}).
 *   <li>One ScaleAndTranslate with an antialiased triangle (bilinear) filter, as Python's
 *       {@code tf.image.resize(..., antialias=True)}: the centre square to {@code size x size}, or, in training, the
 *       {@link Augmentation}'s crop; then its mirror (ReverseV2) and rotation (ImageProjectiveTransformV3, bilinear,
 *       black outside the image) when drawn. An image already {@code size x size} whose view is the centre square
 *       is copied as is.
 * </ol>
 *
 * <p>The result is HWC RGB floats 0..255, what the SavedModel takes. Thread-safe: each call runs the small graph in
 * the calling thread (inter-op "run in caller thread"), so decoder threads do not queue behind the model's ops in
 * TensorFlow's shared pool.
 */
public final class TensorFlowImageDecoder implements AutoCloseable {

  private final int size;
  private final long maxPixels;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TString> contents;
  private final DecodeImage<TUint8> decoded;
  private final Operand<TFloat32> resampled;
  // the augmented view: a canvas of canvasSize around the crop, its mirror, and both rotated down to size x size
  private final Placeholder<TInt32> canvasSize;
  private final Placeholder<TFloat32> viewScale;
  private final Placeholder<TFloat32> viewTranslation;
  private final Placeholder<TFloat32> rotation;
  private final Operand<TFloat32> canvas;
  private final Operand<TFloat32> mirrored;
  private final Operand<TFloat32> rotated;
  private final Operand<TFloat32> mirroredRotated;

  /** A decoder to {@code size x size} with the default pixel limit ({@link ImageHeader#DEFAULT_MAX_PIXELS}). */
  public TensorFlowImageDecoder(int size) {
    this(size, ImageHeader.DEFAULT_MAX_PIXELS);
  }

  /** A decoder to {@code size x size} that refuses images of more than {@code maxPixels} pixels. */
  public TensorFlowImageDecoder(int size, long maxPixels) {
    if (size < 1) throw new IllegalArgumentException("image size must be >= 1, got " + size);
    if (maxPixels < 1) throw new IllegalArgumentException("--max-image-pixels must be >= 1, got " + maxPixels);
    this.size = size;
    this.maxPixels = maxPixels;
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      contents = tf.withName("contents").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      decoded = tf.image.decodeImage(contents, TUint8.class, DecodeImage.channels(3L),
          DecodeImage.expandAnimations(false));
      Operand<TUint8> batched = tf.expandDims(decoded, tf.constant(0));
      resampled = centreSquare(tf, decoded, size);

      canvasSize = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(2)));
      viewScale = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(2)));
      viewTranslation = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(2)));
      rotation = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 8)));
      canvas = tf.image.scaleAndTranslate(batched, canvasSize, viewScale, viewTranslation,
          ScaleAndTranslate.kernelType("triangle"), ScaleAndTranslate.antialias(true));
      mirrored = tf.reverse(canvas, tf.constant(new int[] {2}));
      Operand<TInt32> outShape = tf.constant(new int[] {size, size});
      rotated = tf.image.imageProjectiveTransformV3(canvas, rotation, outShape, tf.constant(0f), "BILINEAR",
          ImageProjectiveTransformV3.fillMode("CONSTANT"));
      mirroredRotated = tf.image.imageProjectiveTransformV3(mirrored, rotation, outShape, tf.constant(0f), "BILINEAR",
          ImageProjectiveTransformV3.fillMode("CONSTANT"));
      ConfigProto config = ConfigProto.newBuilder().setInterOpParallelismThreads(-1).build();
      session = new Session(graph, config);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /**
   * The centre square of {@code decoded} ([H, W, 3] uint8; fractional top/left when the excess is odd) mapped onto
   * {@code size x size} by one antialiased ScaleAndTranslate (triangle filter; output x = input x * scale +
   * translation, pixel centres), as [1, size, size, 3] float32 0..255: this decoder's resampling, and the exported
   * model's image-bytes signature's (org.facenet.export), so both give the same pixels for a file.
   */
  public static Operand<TFloat32> centreSquare(Ops tf, Operand<TUint8> decoded, int size) {
    Operand<TFloat32> hw = tf.dtypes.cast(tf.slice(tf.shape(decoded), tf.constant(new int[] {0}),
        tf.constant(new int[] {2})), TFloat32.class);
    Operand<TFloat32> side = tf.min(hw, tf.constant(0));
    Operand<TFloat32> scale = tf.math.div(tf.constant((float) size), side);
    Operand<TFloat32> topLeft = tf.math.div(tf.math.sub(hw, side), tf.constant(2f));
    Operand<TFloat32> translation = tf.math.neg(tf.math.mul(topLeft, scale));
    Operand<TFloat32> scales = tf.stack(List.of(scale, scale));
    return tf.image.scaleAndTranslate(tf.expandDims(decoded, tf.constant(0)), tf.constant(new int[] {size, size}),
        scales, translation, ScaleAndTranslate.kernelType("triangle"), ScaleAndTranslate.antialias(true));
  }

  public int size() {
    return size;
  }

  public long maxPixels() {
    return maxPixels;
  }

  /**
   * The centre square of the image in {@code file}, {@code size x size} HWC RGB floats 0..255. An empty, corrupt,
   * truncated, too large or non-image file is a {@link BadImageException} naming it.
   */
  public float[] decode(Path file) throws BadImageException {
    float[] out = new float[size * size * 3];
    decodeInto(file, out, 0);
    return out;
  }

  /** {@link #decode} into {@code out} from {@code offset} (size * size * 3 values). */
  public void decodeInto(Path file, float[] out, int offset) throws BadImageException {
    decodeInto(file, out, offset, Augmentation.NONE, null);
  }

  /**
   * The view {@code augmentation} draws from {@code random} (given the decoded image's size) of the image in
   * {@code file}, into {@code out} from {@code offset}; with {@link Augmentation#NONE} exactly {@link #decode}'s pixels.
   */
  public void decodeInto(Path file, float[] out, int offset, Augmentation augmentation, SplittableRandom random)
      throws BadImageException {
    decodeInto(file, out, offset, (w, h) -> augmentation.sample(w, h, random));
  }

  /** Chooses the view of a decoded image given its width and height. */
  @FunctionalInterface
  public interface ViewChooser {
    Augmentation.View choose(int width, int height);
  }

  /** The view {@code chooser} picks of the image in {@code file}, into {@code out} from {@code offset}. */
  public void decodeInto(Path file, float[] out, int offset, ViewChooser chooser) throws BadImageException {
    decodeInto(file, out, offset, chooser, null);
  }

  /**
   * {@link #decodeInto(Path, float[], int, ViewChooser)}, and the decoded 8-bit pixels (before any resampling) handed
   * to {@code keep} when it is not null, for a {@link DecodedImageCache}.
   */
  public void decodeInto(Path file, float[] out, int offset, ViewChooser chooser,
      java.util.function.Consumer<DecodedImage> keep) throws BadImageException {
    byte[] bytes = readFile(file);
    ImageHeader header = ImageHeader.read(bytes).orElse(null);
    if (header != null) ImageHeader.checkPixels(file, header.width(), header.height(), maxPixels);
    try (TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(bytes));
        Result r = session.runner().feed(contents, in).fetch(decoded).run()) {
      TUint8 image = (TUint8) r.get(0);
      int h = (int) image.shape().size(0);
      int w = (int) image.shape().size(1);
      ImageHeader.checkPixels(file, w, h, maxPixels); // (a header ImageIO could not read)
      if (keep != null) {
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        image.copyTo(DataBuffers.of(rgb, false, false));
        keep.accept(new DecodedImage(rgb, w, h));
      }
      resample(image, w, h, chooser, out, offset);
    } catch (TFResourceExhaustedException e) {
      throw e; // out of memory is the machine's problem, not the image's
    } catch (RuntimeException e) {
      throw corrupt(file, e);
    }
  }

  /**
   * The view {@code chooser} picks of {@code image} (pixels this decoder decoded earlier, e.g. from a
   * {@link DecodedImageCache}), into {@code out} from {@code offset}: the same ops on the same 8-bit pixels as
   * {@link #decodeInto(Path, float[], int, ViewChooser)}, so the same floats, without reading or decoding the file.
   */
  public void renderInto(Path file, DecodedImage image, float[] out, int offset, ViewChooser chooser)
      throws BadImageException {
    try (TUint8 t = TUint8.tensorOf(Shape.of(image.height(), image.width(), 3),
        DataBuffers.of(image.rgb(), true, false))) {
      resample(t, image.width(), image.height(), chooser, out, offset);
    } catch (TFResourceExhaustedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw corrupt(file, e);
    }
  }

  private static byte[] readFile(Path file) throws BadImageException {
    byte[] bytes;
    try {
      long length = Files.size(file);
      if (length > Integer.MAX_VALUE - 8) {
        throw new BadImageException(file, length + " bytes is too large for an image file (at most 2 GB)");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BadImageException(file, "cannot read (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
    }
    if (bytes.length == 0) throw new BadImageException(file, "empty file (0 bytes)");
    return bytes;
  }

  private BadImageException corrupt(Path file, RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
    return new BadImageException(file, "corrupt, truncated or not a JPEG/PNG image (TensorFlow: " + message + ")", e);
  }

  private void resample(TUint8 image, int w, int h, ViewChooser chooser, float[] out, int offset) {
    int n = size * size * 3;
    Augmentation.View view = chooser.choose(w, h);
    if (view.isCentre(w, h) && h == size && w == size) {
      // Already size x size: the resampling would be the identity (the triangle filter at scale 1 puts all weight
      // on the pixel itself), so copy. Aligned face crops (facenet's align output) take this path.
      byte[] raw = new byte[n];
      image.copyTo(DataBuffers.of(raw, false, false));
      for (int i = 0; i < n; i++) out[offset + i] = raw[i] & 0xFF;
    } else if (view.isCentre(w, h)) {
      try (Result s = session.runner().feed(decoded, image).fetch(resampled).run()) {
        ((TFloat32) s.get(0)).copyTo(DataBuffers.of(out, false, false).offset(offset).narrow(n));
      }
    } else {
      render(image, view, out, offset);
    }
  }

  // The view's square scaled by k = size / side onto a canvas centred on it (the canvas is the output itself when
  // there is no rotation, else large enough to hold the rotated output's corners), mirrored, then rotated.
  private void render(TUint8 image, Augmentation.View view, float[] out, int offset) {
    float k = (float) (size / view.side());
    double radians = Math.toRadians(view.degrees());
    double cos = Math.cos(radians);
    double sin = Math.sin(radians);
    // (c - size even: at scale 1 the canvas is then a whole-pixel shift of the image, not a half-pixel blend)
    int c = view.degrees() == 0 ? size
        : size + 2 * (int) Math.ceil((size * (Math.abs(cos) + Math.abs(sin)) - size) / 2 + 1e-9) + 2;
    float ty = (float) (c / 2.0 - view.cy() * k);
    float tx = (float) (c / 2.0 - view.cx() * k);
    // output pixel o (index coordinates, centre at integers) samples canvas R(-degrees) (o - (size-1)/2) + (c-1)/2
    double o = (size - 1) / 2.0;
    double m = (c - 1) / 2.0;
    float[] transform = {(float) cos, (float) sin, (float) (m - cos * o - sin * o),
        (float) -sin, (float) cos, (float) (m + sin * o - cos * o), 0f, 0f};
    Operand<TFloat32> target = view.degrees() == 0 ? (view.mirror() ? mirrored : canvas)
        : (view.mirror() ? mirroredRotated : rotated);
    int n = size * size * 3;
    try (TInt32 cs = TInt32.vectorOf(c, c);
        TFloat32 scale = TFloat32.vectorOf(k, k);
        TFloat32 translation = TFloat32.vectorOf(ty, tx);
        TFloat32 rot = TFloat32.tensorOf(Shape.of(1, 8), DataBuffers.of(transform, true, false));
        Result s = session.runner().feed(decoded, image).feed(canvasSize, cs).feed(viewScale, scale)
            .feed(viewTranslation, translation).feed(rotation, rot).fetch(target).run()) {
      ((TFloat32) s.get(0)).copyTo(DataBuffers.of(out, false, false).offset(offset).narrow(n));
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
