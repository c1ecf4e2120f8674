package org.facenet.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.facenet.data.BadImageException;
import org.facenet.data.TensorFlowImageDecoder;
import org.facenet.data.PairsFile;
import org.facenet.embed.Embedder;

/**
 * The LFW pairs protocol on a model: embed every image a pairs file names, then {@link Verification}.
 * facenet-train runs it on held-out identities after export, next to the raw-pixel baseline that shows how
 * much the model learned; facenet-verify runs it on any pairs file.
 */
public final class PairsEvaluation {

  /** The model's figures, the raw-pixel baseline's, and the pairs left out. */
  public record Report(VerificationResult model, VerificationResult rawPixels, List<String> missing) {

    public String summary() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format(Locale.ROOT, "held-out verification (LFW protocol, %d pairs, %d folds%s):%n",
          model.pairs(), model.folds(), missing.isEmpty() ? "" : ", " + missing.size() + " pairs skipped"));
      sb.append(String.format(Locale.ROOT, "  %-24s %-18s %-18s %s%n", "", "accuracy", "VAL@FAR=1e-3", "AUC"));
      row(sb, "raw standardised pixels", rawPixels);
      row(sb, "trained model", model);
      return sb.toString();
    }

    private static void row(StringBuilder sb, String name, VerificationResult r) {
      sb.append(String.format(Locale.ROOT, "  %-24s %.4f +- %.4f   %.4f +- %.4f   %.4f%n", name, r.accuracyMean(),
          r.accuracyStd(), r.valMean(), r.valStd(), r.auc()));
    }
  }

  /** Pair embeddings ready for {@link Verification}. */
  public record PairEmbeddings(float[][] first, float[][] second, boolean[] same, List<String> missing) {}

  private PairsEvaluation() {}

  /**
   * A pairs file read and resolved once, for evaluations repeated during training: facenet's protocol (its folds,
   * squared Euclidean distance, VAL at FAR 1e-3).
   */
  public record HeldOutPairs(PairsFile.Resolved resolved, Verification.Options options) {

    public static HeldOutPairs read(Path pairsFile, Path pairsDir) throws IOException {
      PairsFile.Parsed parsed = PairsFile.read(pairsFile);
      return new HeldOutPairs(PairsFile.resolve(pairsDir, parsed.pairs()),
          new Verification.Options(parsed.folds(), Distance.SQUARED_EUCLIDEAN, false, 1e-3));
    }

    /** Each embedding's figures, in order, and the pairs left out (missing or unreadable images; the same for all). */
    public Evaluation evaluate(int imageSize, Consumer<String> warnings, BatchEmbedding... embeddings) {
      List<VerificationResult> out = new ArrayList<>();
      List<PairEmbeddings> all = embed(resolved, imageSize, warnings, embeddings);
      for (PairEmbeddings e : all) out.add(Verification.evaluate(e.first(), e.second(), e.same(), options));
      return new Evaluation(out, all.get(0).missing());
    }
  }

  /** {@link HeldOutPairs#evaluate}'s figures, one per embedding, and the pairs left out. */
  public record Evaluation(List<VerificationResult> results, List<String> missing) {}

  /** The model's and the raw pixels' figures on {@code pairsFile} resolved in {@code pairsDir}. */
  public static Report evaluateWithBaseline(Path savedModel, Path pairsFile, Path pairsDir, Consumer<String> warnings)
      throws IOException {
    HeldOutPairs pairs = HeldOutPairs.read(pairsFile, pairsDir);
    try (Embedder embedder = Embedder.load(savedModel)) {
      int per = embedder.imageSize() * embedder.imageSize() * 3;
      Evaluation both = pairs.evaluate(embedder.imageSize(), warnings,
          px -> embedder.embed(px, px.length / per), px -> standardisedPixels(px, per));
      return new Report(both.results().get(0), both.results().get(1), both.missing());
    }
  }

  /**
   * Embeddings of the pairs' images by a model; with {@code flip}, each image's embedding is the L2-normalised sum of
   * the embeddings of the image and its mirror image (test-time augmentation; a sum rather than facenet's
   * concatenation keeps distances in the usual 0..4 range).
   */
  public static PairEmbeddings embedWithModel(Embedder embedder, PairsFile.Resolved resolved, boolean flip,
      Consumer<String> warnings) {
    return embedWithModel(embedder, resolved, flip, org.facenet.data.ImageHeader.DEFAULT_MAX_PIXELS, warnings,
        done -> {});
  }

  /**
   * {@link #embedWithModel}, skipping images of more than {@code maxImagePixels} pixels ({@code --max-image-pixels});
   * {@code progress} gets the number of images embedded after each batch, of {@link #imageCount}.
   */
  public static PairEmbeddings embedWithModel(Embedder embedder, PairsFile.Resolved resolved, boolean flip,
      long maxImagePixels, Consumer<String> warnings, java.util.function.LongConsumer progress) {
    int size = embedder.imageSize();
    int per = size * size * 3;
    BatchEmbedding plain = px -> embedder.embed(px, px.length / per);
    BatchEmbedding model = !flip ? plain : px -> {
      float[][] a = plain.apply(px);
      float[][] b = plain.apply(mirror(px, size));
      for (int i = 0; i < a.length; i++) {
        double norm = 0;
        for (int j = 0; j < a[i].length; j++) {
          a[i][j] += b[i][j];
          norm += a[i][j] * (double) a[i][j];
        }
        float inv = (float) (1 / Math.sqrt(Math.max(norm, 1e-20)));
        for (int j = 0; j < a[i].length; j++) a[i][j] *= inv;
      }
      return a;
    };
    long[] done = {0};
    return embed(resolved, size, maxImagePixels, warnings, px -> {
      float[][] v = model.apply(px);
      done[0] += v.length;
      progress.accept(done[0]);
      return v;
    }).get(0);
  }

  /** The distinct images of the pairs, which {@link #embedWithModel} embeds once each. */
  public static int imageCount(PairsFile.Resolved resolved) {
    LinkedHashSet<Path> unique = new LinkedHashSet<>(resolved.first());
    unique.addAll(resolved.second());
    return unique.size();
  }

  /** Rows of HWC images mirrored left-right. */
  static float[] mirror(float[] pixels, int size) {
    float[] out = new float[pixels.length];
    int row = size * 3;
    for (int r = 0; r < pixels.length / row; r++) {
      for (int x = 0; x < size; x++) {
        System.arraycopy(pixels, r * row + x * 3, out, r * row + (size - 1 - x) * 3, 3);
      }
    }
    return out;
  }

  /**
   * Pair embeddings looked up in an embeddings CSV (facenet-embed's output): a pair's image given by its index matches
   * the row whose path ends with {@code name/name_%04d.ext} or {@code name/%04d.ext}, one given by its file name the row
   * whose path ends with {@code name/file}. Pairs without both rows are missing; an image that matches more than one
   * row (e.g. the same set embedded under two roots, or 0001.jpg next to 0001.png) is an error naming the rows.
   */
  public static PairEmbeddings fromRows(List<org.facenet.embed.EmbeddingRow> rows, List<org.facenet.data.Pair> pairs) {
    Map<String, List<org.facenet.embed.EmbeddingRow>> byTail = new HashMap<>();
    for (org.facenet.embed.EmbeddingRow row : rows) {
      Path p = Path.of(row.path());
      if (p.getParent() == null || p.getParent().getFileName() == null) continue;
      String file = p.getFileName().toString();
      int dot = file.lastIndexOf('.');
      String folder = p.getParent().getFileName() + "/";
      byTail.computeIfAbsent("file:" + folder + file, k -> new ArrayList<>(1)).add(row);
      if (dot > 0) byTail.computeIfAbsent("stem:" + folder + file.substring(0, dot), k -> new ArrayList<>(1)).add(row);
    }
    List<float[]> first = new ArrayList<>();
    List<float[]> second = new ArrayList<>();
    List<Boolean> same = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (org.facenet.data.Pair pair : pairs) {
      float[] a = lookup(byTail, pair, pair.firstName(), pair.firstIndex(), pair.firstFile());
      float[] b = lookup(byTail, pair, pair.secondName(), pair.secondIndex(), pair.secondFile());
      if (a == null || b == null) {
        missing.add(pair.toLine().replace('\t', ' ') + ": no embedding for "
            + (a == null ? pair.firstName() + " " + pair.firstImage() : pair.secondName() + " " + pair.secondImage()));
        continue;
      }
      if (a.length != b.length) throw new IllegalArgumentException("embeddings of different sizes: " + a.length + " and " + b.length);
      first.add(a);
      second.add(b);
      same.add(pair.same());
    }
    boolean[] s = new boolean[same.size()];
    for (int i = 0; i < s.length; i++) s[i] = same.get(i);
    return new PairEmbeddings(first.toArray(float[][]::new), second.toArray(float[][]::new), s, missing);
  }

  private static float[] lookup(Map<String, List<org.facenet.embed.EmbeddingRow>> byTail, org.facenet.data.Pair pair,
      String name, int index, String file) {
    String num = String.format("%04d", index);
    List<String> keys = file != null ? List.of("file:" + name + "/" + file)
        : List.of("stem:" + name + "/" + name + "_" + num, "stem:" + name + "/" + num);
    List<org.facenet.embed.EmbeddingRow> found = new ArrayList<>();
    for (String key : keys) found.addAll(byTail.getOrDefault(key, List.of()));
    if (found.size() > 1) {
      StringBuilder paths = new StringBuilder();
      for (org.facenet.embed.EmbeddingRow r : found) paths.append(paths.length() == 0 ? "" : ", ").append(r.path());
      throw new IllegalArgumentException("the pair '" + pair.toLine().replace('\t', ' ') + "': image " + name + " "
          + (file != null ? file : index) + " matches " + found.size() + " rows of the embeddings: " + paths
          + "; keep one row per image (e.g. embed one folder)");
    }
    return found.isEmpty() ? null : found.get(0).embedding();
  }

  /** A function from a batch of HWC pixel rows to one vector per image. */
  @FunctionalInterface
  public interface BatchEmbedding {
    float[][] apply(float[] pixels);
  }

  /**
   * Decodes each distinct image once ({@link TensorFlowImageDecoder}, as facenet-embed), runs every embedding on it in batches of 64 and pairs the vectors up,
   * one result per embedding. Pairs whose files are missing or unreadable are left out and listed.
   */
  public static List<PairEmbeddings> embed(PairsFile.Resolved resolved, int imageSize, Consumer<String> warnings,
      BatchEmbedding... embeddings) {
    return embed(resolved, imageSize, org.facenet.data.ImageHeader.DEFAULT_MAX_PIXELS, warnings, embeddings);
  }

  /** {@link #embed}, skipping images of more than {@code maxImagePixels} pixels. */
  public static List<PairEmbeddings> embed(PairsFile.Resolved resolved, int imageSize, long maxImagePixels,
      Consumer<String> warnings, BatchEmbedding... embeddings) {
    LinkedHashSet<Path> unique = new LinkedHashSet<>(resolved.first());
    unique.addAll(resolved.second());
    List<Map<Path, float[]>> vectors = new ArrayList<>();
    for (int k = 0; k < embeddings.length; k++) vectors.add(new HashMap<>());
    int per = imageSize * imageSize * 3;
    List<Path> batch = new ArrayList<>();
    List<float[]> pixels = new ArrayList<>();
    try (TensorFlowImageDecoder decoder = new TensorFlowImageDecoder(imageSize, maxImagePixels)) {
      for (Path p : unique) {
        try {
          pixels.add(decoder.decode(p));
          batch.add(p);
        } catch (BadImageException e) {
          warnings.accept("skipped " + e.getMessage());
        }
        if (batch.size() == 64) flush(batch, pixels, per, embeddings, vectors);
      }
      flush(batch, pixels, per, embeddings, vectors);
    }
    List<PairEmbeddings> out = new ArrayList<>();
    for (Map<Path, float[]> v : vectors) out.add(pairUp(resolved, v));
    return out;
  }

  private static PairEmbeddings pairUp(PairsFile.Resolved resolved, Map<Path, float[]> vectors) {
    List<String> missing = new ArrayList<>(resolved.missing());
    List<float[]> first = new ArrayList<>();
    List<float[]> second = new ArrayList<>();
    List<Boolean> same = new ArrayList<>();
    for (int i = 0; i < resolved.first().size(); i++) {
      float[] a = vectors.get(resolved.first().get(i));
      float[] b = vectors.get(resolved.second().get(i));
      if (a == null || b == null) {
        missing.add(resolved.first().get(i) + " / " + resolved.second().get(i));
        continue;
      }
      first.add(a);
      second.add(b);
      same.add(resolved.same()[i]);
    }
    boolean[] s = new boolean[same.size()];
    for (int i = 0; i < s.length; i++) s[i] = same.get(i);
    return new PairEmbeddings(first.toArray(float[][]::new), second.toArray(float[][]::new), s, missing);
  }

  /** The raw-pixel baseline's vectors: (x - 127.5) / 128, flattened and L2-normalised. */
  public static float[][] standardisedPixels(float[] pixels, int per) {
    float[][] out = new float[pixels.length / per][per];
    for (int i = 0; i < out.length; i++) {
      double norm = 0;
      for (int j = 0; j < per; j++) {
        float v = (pixels[i * per + j] - 127.5f) / 128f;
        out[i][j] = v;
        norm += v * (double) v;
      }
      float inv = (float) (1 / Math.sqrt(Math.max(norm, 1e-10)));
      for (int j = 0; j < per; j++) out[i][j] *= inv;
    }
    return out;
  }

  private static void flush(List<Path> batch, List<float[]> pixels, int per, BatchEmbedding[] embeddings,
      List<Map<Path, float[]>> vectors) {
    if (batch.isEmpty()) return;
    float[] flat = new float[batch.size() * per];
    for (int i = 0; i < batch.size(); i++) System.arraycopy(pixels.get(i), 0, flat, i * per, per);
    for (int k = 0; k < embeddings.length; k++) {
      float[][] out = embeddings[k].apply(flat);
      for (int i = 0; i < batch.size(); i++) vectors.get(k).put(batch.get(i), out[i]);
    }
    batch.clear();
    pixels.clear();
  }
}
