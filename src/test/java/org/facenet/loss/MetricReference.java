package org.facenet.loss;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Plain-Java float64 references of the metric losses, written from the formulas with explicit loops over
 * anchors, triplets and pairs (independent of the graph code), plus a runner that evaluates a graph loss,
 * its diagnostics and its gradient w.r.t. the embeddings, and central finite differences.
 */
final class MetricReference {

  private MetricReference() {}

  // ---------------------------------------------------------------- data

  /** n random L2-normalised rows of dimension d, as float (what the graph is fed). */
  static float[][] randomUnit(int n, int d, long seed) {
    Random r = new Random(seed);
    float[][] x = new float[n][d];
    for (int i = 0; i < n; i++) {
      double norm = 0;
      double[] v = new double[d];
      for (int k = 0; k < d; k++) {
        v[k] = r.nextGaussian();
        norm += v[k] * v[k];
      }
      for (int k = 0; k < d; k++) x[i][k] = (float) (v[k] / Math.sqrt(norm));
    }
    return x;
  }

  static double[][] toDouble(float[][] x) {
    double[][] y = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      y[i] = new double[x[i].length];
      for (int k = 0; k < x[i].length; k++) y[i][k] = x[i][k];
    }
    return y;
  }

  // ---------------------------------------------------------------- references

  static double dist(double[][] x, int i, int j, boolean squared) {
    double s = 0;
    for (int k = 0; k < x[i].length; k++) s += (x[i][k] - x[j][k]) * (x[i][k] - x[j][k]);
    return squared ? s : Math.sqrt(s);
  }

  /** {loss, fraction active, mean hardest positive, mean hardest negative}. */
  static double[] batchHard(double[][] x, int[] y, double margin, boolean squared, boolean soft) {
    int n = x.length, valid = 0, active = 0;
    double sum = 0, sumHp = 0, sumHn = 0;
    for (int a = 0; a < n; a++) {
      double hp = Double.NaN, hn = Double.NaN;
      for (int j = 0; j < n; j++) {
        if (j == a) continue;
        double dj = dist(x, a, j, squared);
        if (y[j] == y[a]) {
          if (Double.isNaN(hp) || dj > hp) hp = dj;
        } else if (Double.isNaN(hn) || dj < hn) {
          hn = dj;
        }
      }
      if (Double.isNaN(hp) || Double.isNaN(hn)) continue;
      valid++;
      double l = soft ? Math.log1p(Math.exp(hp - hn)) : Math.max(hp - hn + margin, 0);
      if (soft ? hp > hn : l > 0) active++;
      sum += l;
      sumHp += hp;
      sumHn += hn;
    }
    if (valid == 0) return new double[] {0, 0, 0, 0};
    return new double[] {sum / valid, active / (double) valid, sumHp / valid, sumHn / valid};
  }

  /** {loss = mean of the positive triplet losses, fraction of positive triplets among the valid ones}. */
  static double[] batchAll(double[][] x, int[] y, double margin, boolean squared) {
    int n = x.length, valid = 0, positive = 0;
    double sum = 0;
    for (int a = 0; a < n; a++)
      for (int p = 0; p < n; p++) {
        if (p == a || y[p] != y[a]) continue;
        for (int q = 0; q < n; q++) {
          if (y[q] == y[a]) continue;
          valid++;
          double l = dist(x, a, p, squared) - dist(x, a, q, squared) + margin;
          if (l > 0) {
            positive++;
            sum += l;
          }
        }
      }
    return new double[] {positive == 0 ? 0 : sum / positive, valid == 0 ? 0 : positive / (double) valid};
  }

  /**
   * Semi-hard (FaceNet rule, TF-addons fallback). {loss, fraction active, mean positive distance, mean selected
   * negative distance, #pairs with a semi-hard negative, #pairs with only negatives beyond the margin,
   * #pairs whose negatives are all closer than the positive}.
   */
  static double[] semiHard(double[][] x, int[] y, double margin, boolean squared) {
    int n = x.length, valid = 0, active = 0, semi = 0, beyond = 0, fallback = 0;
    double sum = 0, sumP = 0, sumN = 0;
    for (int a = 0; a < n; a++) {
      boolean hasNeg = false;
      for (int q = 0; q < n; q++) hasNeg |= y[q] != y[a];
      if (!hasNeg) continue;
      for (int p = 0; p < n; p++) {
        if (p == a || y[p] != y[a]) continue;
        double dap = dist(x, a, p, squared);
        double semiHard = Double.POSITIVE_INFINITY, farther = Double.POSITIVE_INFINITY, farthest = -1;
        for (int q = 0; q < n; q++) {
          if (y[q] == y[a]) continue;
          double dan = dist(x, a, q, squared);
          if (dan > dap && dan < dap + margin) semiHard = Math.min(semiHard, dan);
          if (dan > dap) farther = Math.min(farther, dan);
          farthest = Math.max(farthest, dan);
        }
        double dn;
        if (semiHard < Double.POSITIVE_INFINITY) {
          dn = semiHard;
          semi++;
        } else if (farther < Double.POSITIVE_INFINITY) {
          dn = farther;
          beyond++;
        } else {
          dn = farthest;
          fallback++;
        }
        double l = Math.max(dap - dn + margin, 0);
        valid++;
        if (l > 0) active++;
        sum += l;
        sumP += dap;
        sumN += dn;
      }
    }
    if (valid == 0) return new double[] {0, 0, 0, 0, 0, 0, 0};
    return new double[] {sum / valid, active / (double) valid, sumP / valid, sumN / valid, semi, beyond, fallback};
  }

  /** {loss = mean over i<j of y d^2 + (1-y) max(m-d,0)^2, mean positive distance, mean negative distance}. */
  static double[] contrastive(double[][] x, int[] y, double margin) {
    int n = x.length, pairs = 0, np = 0, nn = 0;
    double sum = 0, sp = 0, sn = 0;
    for (int i = 0; i < n; i++)
      for (int j = i + 1; j < n; j++) {
        double d = dist(x, i, j, false);
        pairs++;
        if (y[i] == y[j]) {
          sum += d * d;
          sp += d;
          np++;
        } else {
          double h = Math.max(margin - d, 0);
          sum += h * h;
          sn += d;
          nn++;
        }
      }
    return new double[] {pairs == 0 ? 0 : sum / pairs, np == 0 ? 0 : sp / np, nn == 0 ? 0 : sn / nn};
  }

  /** Central finite differences of f at x (float64), step h. */
  static double[][] finiteDifferences(ToDoubleFunction<double[][]> f, double[][] x, double h) {
    double[][] g = new double[x.length][x[0].length];
    for (int i = 0; i < x.length; i++)
      for (int k = 0; k < x[i].length; k++) {
        double keep = x[i][k];
        x[i][k] = keep + h;
        double up = f.applyAsDouble(x);
        x[i][k] = keep - h;
        double down = f.applyAsDouble(x);
        x[i][k] = keep;
        g[i][k] = (up - down) / (2 * h);
      }
    return g;
  }

  // ---------------------------------------------------------------- graph runner

  @FunctionalInterface
  interface GraphLoss {
    LossOutput build(Ops tf, Operand<TFloat32> embeddings, Operand<TInt32> labels);
  }

  /** The graph's loss, diagnostics and d loss / d embeddings [N][D]. */
  record Evaluation(double loss, Map<String, Double> diagnostics, float[][] gradient) {}

  /** Builds the loss on placeholders of dynamic batch size, feeds x and labels, runs loss, diagnostics, gradient. */
  static Evaluation evaluate(GraphLoss f, float[][] x, int[] labels) {
    int n = x.length, d = x[0].length;
    float[] flat = new float[n * d];
    for (int i = 0; i < n; i++) System.arraycopy(x[i], 0, flat, i * d, d);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> emb = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, d)));
      Placeholder<TInt32> lab = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      LossOutput out = f.build(tf, emb, lab);
      Output<?> grad = tf.gradients(out.loss(), List.of(emb)).dy(0);
      List<String> names = new ArrayList<>(out.diagnostics().keySet());
      try (Session s = new Session(g);
          TFloat32 xt = TFloat32.tensorOf(Shape.of(n, d), DataBuffers.of(flat, true, false));
          TInt32 yt = TInt32.vectorOf(labels)) {
        Session.Runner r = s.runner().feed(emb, xt).feed(lab, yt).fetch(out.loss()).fetch(grad);
        for (String name : names) r.fetch(out.diagnostics().get(name));
        try (Result res = r.run()) {
          double loss = ((TFloat32) res.get(0)).getFloat();
          TFloat32 gt = (TFloat32) res.get(1);
          float[] gf = new float[n * d];
          gt.copyTo(DataBuffers.of(gf, false, false));
          float[][] gm = new float[n][d];
          for (int i = 0; i < n; i++) System.arraycopy(gf, i * d, gm[i], 0, d);
          Map<String, Double> diag = new HashMap<>();
          for (int i = 0; i < names.size(); i++) diag.put(names.get(i), (double) ((TFloat32) res.get(2 + i)).getFloat());
          return new Evaluation(loss, diag, gm);
        }
      }
    }
  }
}
