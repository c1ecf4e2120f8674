package org.facenet.align;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * PNet, RNet and ONet (Zhang et al. 2016) as facenet's detect_face.py defines them. Each takes images in the
 * orientation of the photo, NHWC, already normalised ((pixel - 127.5) / 128), and swaps height and width before the
 * first layer, as facenet feeds them: the weights come from Caffe, and the fully connected layers of RNet and ONet
 * assume that flatten order. PNet's outputs are swapped back, so they are indexed like the photo.
 */
final class MtcnnNetworks {

  /** PNet's outputs: face probabilities [1, H', W', 2] and box regressions [1, H', W', 4]. */
  record PNetOutputs(Operand<TFloat32> probabilities, Operand<TFloat32> regression) {}

  /** RNet's and ONet's outputs: probabilities [N, 2], box regressions [N, 4], landmarks [N, 10] (ONet only). */
  record StageOutputs(Operand<TFloat32> probabilities, Operand<TFloat32> regression, Operand<TFloat32> landmarks) {}

  private MtcnnNetworks() {}

  private static Operand<TFloat32> swapHeightAndWidth(Ops tf, Operand<TFloat32> x) {
    return tf.linalg.transpose(x, tf.constant(new int[] {0, 2, 1, 3}));
  }

  /** The proposal network, fully convolutional: stride 2, a 12 x 12 window per output cell. */
  static PNetOutputs pnet(Ops tf, MtcnnWeights weights, Operand<TFloat32> images) {
    MtcnnLayers l = new MtcnnLayers(tf, weights, "pnet");
    Operand<TFloat32> x = swapHeightAndWidth(tf, images);
    x = l.prelu(l.conv(x, "conv1"), "PReLU1");
    x = l.maxPool(x, 2, 2, "SAME");
    x = l.prelu(l.conv(x, "conv2"), "PReLU2");
    x = l.prelu(l.conv(x, "conv3"), "PReLU3");
    Operand<TFloat32> probabilities = l.softmax(l.conv(x, "conv4-1"));
    Operand<TFloat32> regression = l.conv(x, "conv4-2");
    return new PNetOutputs(swapHeightAndWidth(tf, probabilities), swapHeightAndWidth(tf, regression));
  }

  /** The refinement network on 24 x 24 crops. */
  static StageOutputs rnet(Ops tf, MtcnnWeights weights, Operand<TFloat32> crops) {
    MtcnnLayers l = new MtcnnLayers(tf, weights, "rnet");
    Operand<TFloat32> x = swapHeightAndWidth(tf, crops);
    x = l.prelu(l.conv(x, "conv1"), "prelu1");
    x = l.maxPool(x, 3, 2, "SAME");
    x = l.prelu(l.conv(x, "conv2"), "prelu2");
    x = l.maxPool(x, 3, 2, "VALID");
    x = l.prelu(l.conv(x, "conv3"), "prelu3");
    x = l.prelu(l.fc(x, "conv4"), "prelu4");
    return new StageOutputs(l.softmax(l.fc(x, "conv5-1")), l.fc(x, "conv5-2"), null);
  }

  /** The output network on 48 x 48 crops, with the five landmarks (five x, then five y, relative to the box). */
  static StageOutputs onet(Ops tf, MtcnnWeights weights, Operand<TFloat32> crops) {
    MtcnnLayers l = new MtcnnLayers(tf, weights, "onet");
    Operand<TFloat32> x = swapHeightAndWidth(tf, crops);
    x = l.prelu(l.conv(x, "conv1"), "prelu1");
    x = l.maxPool(x, 3, 2, "SAME");
    x = l.prelu(l.conv(x, "conv2"), "prelu2");
    x = l.maxPool(x, 3, 2, "VALID");
    x = l.prelu(l.conv(x, "conv3"), "prelu3");
    x = l.maxPool(x, 2, 2, "SAME");
    x = l.prelu(l.conv(x, "conv4"), "prelu4");
    x = l.prelu(l.fc(x, "conv5"), "prelu5");
    return new StageOutputs(l.softmax(l.fc(x, "conv6-1")), l.fc(x, "conv6-2"), l.fc(x, "conv6-3"));
  }
}
