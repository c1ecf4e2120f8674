package org.facenet.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import org.facenet.embed.EmbeddingRow;
import org.facenet.embed.EmbeddingsCsv;

/**
 * {@code n} embeddings of {@code dim} floats held in one row-major array (no per-row objects, so 100,000 x 512
 * costs 200 MB), with each row's image path and identity label.
 */
public final class Embeddings {

  private final float[] data;
  private final int n;
  private final int dim;
  private final List<String> paths;
  private final List<String> labels;

  /** {@code data} is row-major {@code n x dim} and is not copied; {@code labels} may be empty strings. */
  public Embeddings(float[] data, int dim, List<String> paths, List<String> labels) {
    if (dim <= 0) throw new IllegalArgumentException("embedding dimension must be positive, got " + dim);
    if (data.length % dim != 0) throw new IllegalArgumentException(data.length + " values are not rows of " + dim);
    this.data = data;
    this.dim = dim;
    this.n = data.length / dim;
    if (n == 0) throw new IllegalArgumentException("no embeddings to cluster");
    if (paths.size() != n || labels.size() != n) {
      throw new IllegalArgumentException(n + " embeddings but " + paths.size() + " paths and " + labels.size() + " labels");
    }
    this.paths = Collections.unmodifiableList(paths);
    this.labels = Collections.unmodifiableList(labels);
  }

  /** Rows as read by {@link EmbeddingsCsv}; all rows must have the same dimension. */
  public static Embeddings of(List<EmbeddingRow> rows) {
    if (rows.isEmpty()) throw new IllegalArgumentException("no embeddings to cluster");
    int dim = rows.get(0).embedding().length;
    float[] data = new float[Math.multiplyExact(rows.size(), dim)];
    List<String> paths = new ArrayList<>(rows.size());
    List<String> labels = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      EmbeddingRow r = rows.get(i);
      if (r.embedding().length != dim) {
        throw new IllegalArgumentException(r.path() + ": embedding has " + r.embedding().length + " values, expected " + dim);
      }
      System.arraycopy(r.embedding(), 0, data, i * dim, dim);
      paths.add(r.path());
      labels.add(r.label() == null ? "" : r.label());
    }
    return new Embeddings(data, dim, paths, labels);
  }

  /** Vectors without paths or labels (paths are the row numbers, labels empty): for tests and programs. */
  public static Embeddings of(float[][] vectors) {
    return of(vectors, null);
  }

  /** Vectors with identity labels (paths are the row numbers). */
  public static Embeddings of(float[][] vectors, String[] labels) {
    List<EmbeddingRow> rows = new ArrayList<>(vectors.length);
    for (int i = 0; i < vectors.length; i++) {
      rows.add(new EmbeddingRow(Integer.toString(i), labels == null ? "" : labels[i], vectors[i]));
    }
    return of(rows);
  }

  /** Reads an embeddings CSV ({@code path,label,e0..}); errors name the file and line. */
  public static Embeddings read(Path csv) throws IOException {
    if (java.nio.file.Files.isRegularFile(csv) && java.nio.file.Files.size(csv) == 0) {
      throw new IllegalArgumentException(csv + ": empty file; expected an embeddings CSV with header 'path,label,e0,...'"
          + " as facenet-embed writes");
    }
    return of(EmbeddingsCsv.read(csv));
  }

  public int size() {
    return n;
  }

  public int dim() {
    return dim;
  }

  /** The row-major values, not a copy: do not modify. */
  float[] data() {
    return data;
  }

  public float[] vector(int i) {
    return Arrays.copyOfRange(data, i * dim, (i + 1) * dim);
  }

  public String path(int i) {
    return paths.get(i);
  }

  public String label(int i) {
    return labels.get(i);
  }

  public List<String> paths() {
    return paths;
  }

  public List<String> labels() {
    return labels;
  }

  /**
   * True when every row has a non-empty label and there are at least two distinct labels (a CSV of one
   * unlabelled folder has one label for all rows, which says nothing about identities).
   */
  public boolean hasLabels() {
    HashSet<String> distinct = new HashSet<>();
    for (String l : labels) {
      if (l.isEmpty()) return false;
      distinct.add(l);
    }
    return distinct.size() >= 2;
  }

  /** A copy with every row scaled to unit L2 norm (zero rows stay zero). */
  public Embeddings normalised() {
    float[] out = new float[data.length];
    for (int i = 0; i < n; i++) {
      double s = 0;
      int o = i * dim;
      for (int k = 0; k < dim; k++) s += (double) data[o + k] * data[o + k];
      double inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (int k = 0; k < dim; k++) out[o + k] = (float) (data[o + k] * inv);
    }
    return new Embeddings(out, dim, paths, labels);
  }

  /** Exact Euclidean distance between rows {@code i} and {@code j}, in double. */
  public double distance(int i, int j) {
    double s = 0;
    int a = i * dim;
    int b = j * dim;
    for (int k = 0; k < dim; k++) {
      double d = (double) data[a + k] - data[b + k];
      s += d * d;
    }
    return Math.sqrt(s);
  }

  /** Dot product of rows {@code i} and {@code j}, in double (the cosine similarity when normalised). */
  public double dot(int i, int j) {
    double s = 0;
    int a = i * dim;
    int b = j * dim;
    for (int k = 0; k < dim; k++) s += (double) data[a + k] * data[b + k];
    return s;
  }
}
