package org.facenet.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Gaussian blobs on the unit sphere, shaped like face embeddings of many identities: {@code identities} random
 * unit centres in {@code dim} dimensions, each point a centre plus isotropic Gaussian noise of standard deviation
 * {@code sigma} per coordinate, L2-normalised. Points are dealt round-robin to identities, labelled {@code id<k>}.
 */
public final class SyntheticEmbeddings {

  private SyntheticEmbeddings() {}

  public static Embeddings blobs(int n, int dim, int identities, double sigma, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] centres = new float[identities * dim];
    for (int c = 0; c < identities; c++) {
      double s = 0;
      for (int k = 0; k < dim; k++) {
        double v = gaussian(rnd);
        centres[c * dim + k] = (float) v;
        s += v * v;
      }
      float inv = (float) (1 / Math.sqrt(s));
      for (int k = 0; k < dim; k++) centres[c * dim + k] *= inv;
    }
    float[] data = new float[Math.multiplyExact(n, dim)];
    List<String> paths = new ArrayList<>(n);
    List<String> labels = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int c = i % identities;
      double s = 0;
      for (int k = 0; k < dim; k++) {
        double v = centres[c * dim + k] + sigma * gaussian(rnd);
        data[i * dim + k] = (float) v;
        s += v * v;
      }
      float inv = (float) (1 / Math.sqrt(s));
      for (int k = 0; k < dim; k++) data[i * dim + k] *= inv;
      labels.add("id" + c);
      paths.add("id" + c + "/" + i + ".png");
    }
    return new Embeddings(data, dim, paths, labels);
  }

  private static double gaussian(SplittableRandom rnd) { // Box-Muller, one value per call
    double u = rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}
