package org.facenet.cluster;

/**
 * Plain-Java tile kernel written so HotSpot's superword pass vectorises it (AVX2/AVX-512 on x86): the column
 * tile is transposed to {@code k}-major order once, then every output row is accumulated as
 * {@code out[a][b] += x[a][k] * xt[k][b]}, an element-wise loop over {@code b} with no floating-point reduction
 * (which HotSpot would not vectorise). Four output rows share each load of the transposed tile.
 */
public final class JavaTileKernel implements TileKernel {

  private static final class Buf implements Scratch {
    final float[] xt;

    Buf(int tile, int dim) {
      xt = new float[tile * dim];
    }
  }

  @Override
  public Scratch scratch(int tile, int dim) {
    return new Buf(tile, dim);
  }

  @Override
  public void dots(float[] x, int i0, int ni, float[] y, int j0, int nj, int dim, float[] out, Scratch scratch) {
    float[] xt = ((Buf) scratch).xt;
    for (int b = 0; b < nj; b++) {
      int src = (j0 + b) * dim;
      for (int k = 0; k < dim; k++) xt[k * nj + b] = y[src + k];
    }
    java.util.Arrays.fill(out, 0, ni * nj, 0f);
    int a = 0;
    for (; a + 4 <= ni; a += 4) {
      int r0 = (i0 + a) * dim;
      int o0 = a * nj;
      for (int k = 0; k < dim; k++) {
        float s0 = x[r0 + k];
        float s1 = x[r0 + dim + k];
        float s2 = x[r0 + 2 * dim + k];
        float s3 = x[r0 + 3 * dim + k];
        int t = k * nj;
        for (int b = 0; b < nj; b++) {
          float v = xt[t + b];
          out[o0 + b] += s0 * v;
          out[o0 + nj + b] += s1 * v;
          out[o0 + 2 * nj + b] += s2 * v;
          out[o0 + 3 * nj + b] += s3 * v;
        }
      }
    }
    for (; a < ni; a++) {
      int r = (i0 + a) * dim;
      int o = a * nj;
      for (int k = 0; k < dim; k++) {
        float s = x[r + k];
        int t = k * nj;
        for (int b = 0; b < nj; b++) out[o + b] += s * xt[t + b];
      }
    }
  }
}
