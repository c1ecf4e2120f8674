package org.facenet.align;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The layers of facenet's MTCNN networks (detect_face.py's Network class), with the weights of one network as graph
 * constants: VALID stride-1 convolutions with bias, PReLU {@code relu(x) + alpha * -relu(-x)}, max pooling, fully
 * connected layers over the row-major flattening of the feature map, softmax over the last axis.
 */
final class MtcnnLayers {

  private final Ops tf;
  private final MtcnnWeights weights;
  private final String net;

  MtcnnLayers(Ops tf, MtcnnWeights weights, String net) {
    this.tf = tf;
    this.weights = weights;
    this.net = net;
  }

  private Operand<TFloat32> constant(String layer, String param) {
    MtcnnWeights.Tensor t = weights.get(net + "/" + layer + "/" + param);
    return tf.constant(Shape.of(t.shape()), DataBuffers.of(t.values(), true, false));
  }

  /** Convolution, VALID, stride 1, with bias (every MTCNN convolution). */
  Operand<TFloat32> conv(Operand<TFloat32> x, String layer) {
    Operand<TFloat32> y = tf.nn.conv2d(x, constant(layer, "weights"), List.of(1L, 1L, 1L, 1L), "VALID");
    return tf.nn.biasAdd(y, constant(layer, "biases"));
  }

  /** PReLU with one alpha per channel, written as facenet writes it. */
  Operand<TFloat32> prelu(Operand<TFloat32> x, String layer) {
    Operand<TFloat32> negative = tf.math.neg(tf.nn.relu(tf.math.neg(x)));
    return tf.math.add(tf.nn.relu(x), tf.math.mul(constant(layer, "alpha"), negative));
  }

  /** Max pooling, square kernel and stride; padding "SAME" or "VALID". */
  Operand<TFloat32> maxPool(Operand<TFloat32> x, int kernel, int stride, String padding) {
    return tf.nn.maxPool(x, tf.constant(new int[] {1, kernel, kernel, 1}), tf.constant(new int[] {1, stride, stride, 1}),
        padding);
  }

  /** Fully connected with bias; a feature map is flattened row-major first (facenet's reshape to [-1, dim]). */
  Operand<TFloat32> fc(Operand<TFloat32> x, String layer) {
    Operand<TFloat32> w = constant(layer, "weights");
    long in = weights.get(net + "/" + layer + "/weights").shape()[0];
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, in}));
    return tf.nn.biasAdd(tf.linalg.matMul(flat, w), constant(layer, "biases"));
  }

  /** Softmax over the last axis. */
  Operand<TFloat32> softmax(Operand<TFloat32> x) {
    return tf.nn.softmax(x);
  }
}
