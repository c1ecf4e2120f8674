package org.facenet.export;

import java.util.List;
import org.facenet.data.TensorFlowImageDecoder;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.StatelessWhile;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * The input side of the {@code embed_image_bytes} signature: a batch of encoded JPEG/PNG files (a string vector) to
 * the model's input, [N, size, size, 3] RGB floats 0..255, decoded and resampled inside the graph exactly as
 * facenet-embed does ({@link org.facenet.data.TensorFlowImageDecoder}): DecodeImage to 8-bit RGB, then one
 * antialiased ScaleAndTranslate (triangle filter) of the centre square. Images differ in size, so each is decoded
 * in the body of a {@code StatelessWhile} loop (what Python's tf.map_fn builds) that writes it into row i of the
 * batch with TensorScatterUpdate.
 */
final class ImageBytesInput {

  private ImageBytesInput() {}

  /** [N, size, size, 3] float32 from the N encoded images in {@code files} (a string vector). */
  static Operand<TFloat32> decodeBatch(Ops tf, Operand<TString> files, int size) {
    Shape batch = Shape.of(-1, size, size, 3);
    ConcreteFunction cond = ConcreteFunction.create(f -> {
      Placeholder<TInt32> i = f.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      Placeholder<TString> bytes = f.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TFloat32> out = f.placeholder(TFloat32.class, Placeholder.shape(batch));
      Operand<TBool> more = f.math.less(i, f.size(bytes, TInt32.class));
      return Signature.builder().input("i", i).input("bytes", bytes).input("out", out).output("more", more).build();
    });
    ConcreteFunction body = ConcreteFunction.create(f -> {
      Placeholder<TInt32> i = f.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      Placeholder<TString> bytes = f.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TFloat32> out = f.placeholder(TFloat32.class, Placeholder.shape(batch));
      Operand<TFloat32> image = centreSquare(f, f.gather(bytes, i, f.constant(0)), size);
      Operand<TFloat32> written = f.tensorScatterNdUpdate(out, f.reshape(i, f.constant(new int[] {1, 1})), image);
      return Signature.builder().input("i", i).input("bytes", bytes).input("out", out)
          .output("i", f.math.add(i, f.constant(1))).output("bytes", f.identity(bytes)).output("out", written).build();
    });
    Operand<TInt32> n = tf.size(files, TInt32.class);
    Operand<TFloat32> zeros = tf.fill(tf.stack(List.of(n, tf.constant(size), tf.constant(size), tf.constant(3))),
        tf.constant(0f));
    StatelessWhile loop = tf.statelessWhile(List.of(tf.constant(0), files, zeros), cond, body);
    @SuppressWarnings("unchecked")
    Operand<TFloat32> decoded = (Operand<TFloat32>) loop.output().get(2);
    return tf.reshape(decoded, tf.constant(new long[] {-1, size, size, 3}));
  }

  /** One encoded image to [1, size, size, 3]: decoded to 8-bit RGB, then facenet-embed's centre-square resampling. */
  private static Operand<TFloat32> centreSquare(Ops tf, Operand<TString> file, int size) {
    Operand<TUint8> decoded = tf.image.decodeImage(file, TUint8.class, DecodeImage.channels(3L),
        DecodeImage.expandAnimations(false));
    return TensorFlowImageDecoder.centreSquare(tf, decoded, size);
  }
}
