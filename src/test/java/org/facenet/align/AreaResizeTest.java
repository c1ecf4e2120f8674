package org.facenet.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** The crops' area resize: hand-derived cases, and TensorFlow's ResizeArea on random crops of both directions. */
class AreaResizeTest {

  private static float[] grey(float... v) {
    float[] out = new float[v.length * 3];
    for (int i = 0; i < v.length; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = v[i];
    return out;
  }

  @Test
  void halvingAveragesBlocks() {
    float[] src = grey(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16); // 4 x 4
    float[] dst = new float[2 * 2 * 3];
    AreaResize.resize(src, 0, 4, 4, 2, 2, dst, 0);
    assertArrayEquals(grey(3.5f, 5.5f, 11.5f, 13.5f), dst, 1e-6f);
  }

  @Test
  void fractionalCoverageIsWeighted() {
    // 1 x 3 -> 1 x 2: each output covers 1.5 pixels: (a + b/2) / 1.5 and (b/2 + c) / 1.5
    float[] dst = new float[2 * 3];
    AreaResize.resize(grey(3, 6, 9), 0, 1, 3, 1, 2, dst, 0);
    assertArrayEquals(grey(4, 8), dst, 1e-5f);
    // 1 x 2 -> 1 x 3 (enlarging): the middle output straddles both pixels equally
    float[] up = new float[3 * 3];
    AreaResize.resize(grey(10, 40), 0, 1, 2, 1, 3, up, 0);
    assertArrayEquals(grey(10, 25, 40), up, 1e-5f);
  }

  @Test
  void matchesTensorFlowResizeArea() {
    Random random = new Random(5);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, -1, -1, 3)));
      Placeholder<TInt32> size = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(2)));
      var out = tf.image.resizeArea(in, size);
      try (Session s = new Session(g)) {
        int[][] cases = {{37, 35, 24}, {24, 24, 24}, {13, 14, 24}, {20, 30, 48}, {97, 96, 48}, {5, 5, 48}};
        for (int[] c : cases) {
          int h = c[0], w = c[1], side = c[2];
          float[] src = new float[h * w * 3];
          for (int i = 0; i < src.length; i++) src[i] = random.nextFloat() * 255;
          float[] mine = new float[side * side * 3];
          AreaResize.resize(src, 0, h, w, side, side, mine, 0);
          float[] theirs = new float[side * side * 3];
          try (TFloat32 t = TFloat32.tensorOf(Shape.of(1, h, w, 3), DataBuffers.of(src, true, false));
              TInt32 hw = TInt32.vectorOf(side, side);
              var r = s.runner().feed(in, t).feed(size, hw).fetch(out).run()) {
            ((TFloat32) r.get(0)).copyTo(DataBuffers.of(theirs, false, false));
          }
          double worst = 0;
          for (int i = 0; i < mine.length; i++) worst = Math.max(worst, Math.abs(mine[i] - theirs[i]));
          assertEquals(0, worst, 2e-3, h + "x" + w + " -> " + side);
        }
      }
    }
  }
}
