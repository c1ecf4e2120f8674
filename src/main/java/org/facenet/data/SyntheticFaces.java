package org.facenet.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.QuadCurve2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.facenet.io.AtomicFiles;
import org.facenet.io.TextFiles;

/**
 * The embedded default data set: synthetic identities drawn with Java2D, deterministic from a seed.
 *
 * <p>Each identity has fixed traits (face shape and width, skin tone, eye spacing, size and colour, brows, nose,
 * mouth, hair colour and style, glasses, beard); each image varies the nuisances (roll, shift, scale, a yaw-like
 * offset of the features, lighting direction and strength, expression, background, noise, blur, occasional
 * occlusion). Layout: {@code DIR/train/<identity>/<nnnn>.png}, {@code DIR/heldout/<identity>/<nnnn>.png} and an
 * LFW-format {@code DIR/pairs.txt} over the held-out identities only, which training never sees.
 */
public final class SyntheticFaces {

  /** What to generate. */
  public record Config(long seed, int trainIdentities, int imagesPerTrainIdentity, int heldOutIdentities,
      int imagesPerHeldOutIdentity, int imageSize, int folds, int pairsPerFold) {

    public Config {
      if (trainIdentities < 2 || heldOutIdentities < 2 * folds) {
        throw new IllegalArgumentException("need >= 2 training identities and >= 2 held-out identities per fold");
      }
      if (imagesPerTrainIdentity < 2 || imagesPerHeldOutIdentity < 2) {
        throw new IllegalArgumentException("need >= 2 images per identity");
      }
      if (imageSize < 32) throw new IllegalArgumentException("--image-size must be >= 32, got " + imageSize);
    }

    /** 300 training identities x 24 images, 100 held-out x 12, 96 px, 10 folds of 300 + 300 pairs. */
    public static Config defaults() {
      return new Config(666, 300, 24, 100, 12, 96, 10, 300);
    }

    public Config withSeed(long s) {
      return new Config(s, trainIdentities, imagesPerTrainIdentity, heldOutIdentities, imagesPerHeldOutIdentity,
          imageSize, folds, pairsPerFold);
    }

    Properties toProperties() {
      Properties p = new Properties();
      p.setProperty("version", Integer.toString(VERSION));
      p.setProperty("seed", Long.toString(seed));
      p.setProperty("train_identities", Integer.toString(trainIdentities));
      p.setProperty("images_per_train_identity", Integer.toString(imagesPerTrainIdentity));
      p.setProperty("held_out_identities", Integer.toString(heldOutIdentities));
      p.setProperty("images_per_held_out_identity", Integer.toString(imagesPerHeldOutIdentity));
      p.setProperty("image_size", Integer.toString(imageSize));
      p.setProperty("folds", Integer.toString(folds));
      p.setProperty("pairs_per_fold", Integer.toString(pairsPerFold));
      return p;
    }
  }

  /** Where the set was written and how big it is. */
  public record Summary(Path trainDir, Path heldOutDir, Path pairsFile, int trainImages, int heldOutImages, int pairs) {}

  /** Bumped whenever the drawing changes, so that {@link #ensure} regenerates an older set. */
  static final int VERSION = 3;

  private static final String STAMP = "synthetic.properties";

  private SyntheticFaces() {}

  /** The set in {@code dir}, generated first unless {@code dir} already holds this exact configuration. */
  public static Summary ensure(Path dir, Config config, PrintStream log) throws IOException {
    Path stamp = dir.resolve(STAMP);
    if (Files.isRegularFile(stamp)) {
      Properties have = new Properties();
      try (Reader r = TextFiles.reader(stamp)) {
        have.load(r);
      }
      if (have.equals(config.toProperties())) return summary(dir, config);
    }
    log.printf("generating the synthetic data set in %s (%d + %d identities, seed %d) ...%n", dir,
        config.trainIdentities(), config.heldOutIdentities(), config.seed());
    long t = System.nanoTime();
    Summary s = generate(dir, config);
    log.printf("generated %d training and %d held-out images in %.1f s%n", s.trainImages(), s.heldOutImages(),
        (System.nanoTime() - t) / 1e9);
    return s;
  }

  /**
   * Writes the set to {@code dir} atomically, replacing a set this command wrote there before (it holds
   * {@value #STAMP}) or an empty folder; any other existing {@code dir} is refused, before anything is written.
   */
  public static Summary generate(Path dir, Config config) throws IOException {
    AtomicFiles.writeDirectory(dir, replaceable(dir) ? AtomicFiles.Existing.REPLACE : AtomicFiles.Existing.REFUSE, tmp -> {
      writeIdentities(tmp.resolve("train"), "s", config.trainIdentities(), config.imagesPerTrainIdentity(), config, 1);
      writeIdentities(tmp.resolve("heldout"), "h", config.heldOutIdentities(), config.imagesPerHeldOutIdentity(),
          config, 2);
      List<String> names = new ArrayList<>();
      for (int i = 0; i < config.heldOutIdentities(); i++) names.add(name("h", i));
      PairsFile.write(tmp.resolve("pairs.txt"), config.folds(), config.pairsPerFold(),
          pairs(names, config.imagesPerHeldOutIdentity(), config.folds(), config.pairsPerFold(), config.seed()));
      try (Writer w = new OutputStreamWriter(Files.newOutputStream(tmp.resolve(STAMP)), StandardCharsets.UTF_8)) {
        config.toProperties().store(w, "facenet synth");
      }
    });
    return summary(dir, config);
  }

  private static boolean replaceable(Path dir) throws IOException {
    if (!Files.isDirectory(dir) || Files.isRegularFile(dir.resolve(STAMP))) return true;
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  private static Summary summary(Path dir, Config c) {
    return new Summary(dir.resolve("train"), dir.resolve("heldout"), dir.resolve("pairs.txt"),
        c.trainIdentities() * c.imagesPerTrainIdentity(), c.heldOutIdentities() * c.imagesPerHeldOutIdentity(),
        2 * c.folds() * c.pairsPerFold());
  }

  private static String name(String prefix, int i) {
    return String.format("%s%04d", prefix, i + 1);
  }

  private static void writeIdentities(Path root, String prefix, int count, int images, Config config, int set)
      throws IOException {
    Files.createDirectories(root);
    try {
      IntStream.range(0, count).parallel().forEach(i -> {
        SplittableRandom r = new SplittableRandom(config.seed() * 1_000_003L + set * 7_919L + i);
        Identity id = Identity.random(r);
        Path dir = root.resolve(name(prefix, i));
        try {
          Files.createDirectories(dir);
          for (int k = 0; k < images; k++) {
            BufferedImage img = render(id, Nuisance.random(r), config.imageSize(), r);
            ImageIO.write(img, "png", dir.resolve(String.format("%04d.png", k + 1)).toFile());
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Per fold, matched pairs within and mismatched pairs across the fold's own identities (disjoint folds, as LFW). */
  static List<Pair> pairs(List<String> names, int images, int folds, int perFold, long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    List<Pair> out = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      List<String> group = names.subList(f * names.size() / folds, (f + 1) * names.size() / folds);
      java.util.Set<String> seen = new java.util.HashSet<>();
      List<Pair> matched = new ArrayList<>();
      int attempts = 0;
      while (matched.size() < perFold) {
        if (++attempts > 1000 * perFold) throw new IllegalArgumentException("too few images for " + perFold + " matched pairs a fold");
        String n = group.get(r.nextInt(group.size()));
        int i = 1 + r.nextInt(images);
        int j = 1 + r.nextInt(images);
        if (i >= j) continue;
        Pair p = new Pair(n, i, n, j);
        if (seen.add(p.toLine())) matched.add(p);
      }
      List<Pair> mismatched = new ArrayList<>();
      while (mismatched.size() < perFold) {
        String a = group.get(r.nextInt(group.size()));
        String b = group.get(r.nextInt(group.size()));
        if (a.equals(b)) continue;
        mismatched.add(new Pair(a, 1 + r.nextInt(images), b, 1 + r.nextInt(images)));
      }
      out.addAll(matched);
      out.addAll(mismatched);
    }
    return out;
  }

  /** Fixed traits of one synthetic person. */
  record Identity(double faceWidth, double faceHeight, double jaw, Color skin, double eyeSpacing, double eyeSize,
      Color iris, double eyeHeight, double browThickness, double browAngle, double browGap, double noseLength,
      double noseWidth, double mouthWidth, double mouthHeight, double smile, double lipThickness, Color lips,
      Color hair, int hairStyle, double hairVolume, boolean glasses, Color glassesColour, boolean beard,
      double earSize, boolean mole, double moleX, double moleY) {

    static Identity random(SplittableRandom r) {
      double tone = r.nextDouble();
      Color skin = blend(new Color(245, 215, 190), new Color(95, 60, 40), tone, r, 14);
      Color[] irises = {new Color(70, 45, 20), new Color(40, 90, 160), new Color(60, 120, 60), new Color(110, 110, 110),
          new Color(20, 20, 20)};
      Color[] hairs = {new Color(20, 15, 10), new Color(90, 55, 25), new Color(200, 160, 90), new Color(150, 60, 25),
          new Color(160, 160, 160), new Color(60, 40, 30), new Color(235, 225, 200)};
      Color hair = jitter(hairs[r.nextInt(hairs.length)], r, 18);
      return new Identity(
          30 + 9 * r.nextDouble(), 38 + 10 * r.nextDouble(), r.nextDouble(), skin,
          12 + 7 * r.nextDouble(), 3 + 2.5 * r.nextDouble(), jitter(irises[r.nextInt(irises.length)], r, 15),
          -6 + 6 * r.nextDouble(), 1 + 2.5 * r.nextDouble(), -0.35 + 0.7 * r.nextDouble(), 4 + 4 * r.nextDouble(),
          8 + 8 * r.nextDouble(), 4 + 5 * r.nextDouble(), 10 + 10 * r.nextDouble(), 16 + 8 * r.nextDouble(),
          -3 + 6 * r.nextDouble(), 1.2 + 2.5 * r.nextDouble(), jitter(new Color(170, 80, 80), r, 30), hair,
          r.nextInt(6), 0.5 + r.nextDouble(), r.nextDouble() < 0.3, jitter(new Color(40, 40, 40), r, 40),
          r.nextDouble() < 0.25, 5 + 4 * r.nextDouble(), r.nextDouble() < 0.3, -15 + 30 * r.nextDouble(),
          -5 + 20 * r.nextDouble());
    }
  }

  /** What changes from one image of a person to the next. */
  record Nuisance(double roll, double shiftX, double shiftY, double scale, double yaw, double lightAngle,
      double lightStrength, double exposure, double expression, double blink, Color background, Color background2,
      double noise, boolean blur, boolean occlusion, double occX, double occY, double occW, double occH,
      Color occColour) {

    static Nuisance random(SplittableRandom r) {
      return new Nuisance(
          (r.nextDouble() * 2 - 1) * 15, (r.nextDouble() * 2 - 1) * 0.08, (r.nextDouble() * 2 - 1) * 0.08,
          0.85 + 0.3 * r.nextDouble(), (r.nextDouble() * 2 - 1), r.nextDouble() * 2 * Math.PI,
          0.15 + 0.45 * r.nextDouble(), 0.8 + 0.4 * r.nextDouble(), (r.nextDouble() * 2 - 1), r.nextDouble(),
          randomColour(r), randomColour(r), 2 + 8 * r.nextDouble(), r.nextDouble() < 0.3, r.nextDouble() < 0.15,
          r.nextDouble(), r.nextDouble(), 0.15 + 0.25 * r.nextDouble(), 0.15 + 0.25 * r.nextDouble(), randomColour(r));
    }
  }

  /** Draws one image of {@code id} under {@code n}, {@code size x size} RGB. */
  static BufferedImage render(Identity id, Nuisance n, int size, SplittableRandom r) {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setPaint(new GradientPaint(0, 0, n.background(), size, size, n.background2()));
    g.fillRect(0, 0, size, size);

    // Face coordinates: 100 units across the image, origin at the face centre.
    AffineTransform base = g.getTransform();
    g.translate(size / 2.0 + n.shiftX() * size, size / 2.0 + n.shiftY() * size);
    g.rotate(Math.toRadians(n.roll()));
    g.scale(n.scale() * size / 100.0, n.scale() * size / 100.0);
    double w = id.faceWidth();
    double h = id.faceHeight();
    double yaw = n.yaw() * 6; // features slide sideways, the far half of the face narrows
    Color hairDark = id.hair().darker();

    if (id.hairStyle() == 1 || id.hairStyle() == 4) { // long hair behind the head
      g.setColor(id.hair());
      g.fill(new RoundRectangle2D.Double(-w - 6 * id.hairVolume(), -h - 4, 2 * w + 12 * id.hairVolume(), 2 * h + 22, 30, 30));
    }
    g.setColor(id.skin().darker());
    g.fill(new Rectangle2D.Double(-w * 0.4, h * 0.6, w * 0.8, 40)); // neck
    g.setColor(id.skin());
    g.fill(new Ellipse2D.Double(-w - id.earSize() * 0.6 + yaw * 0.3, -id.earSize(), id.earSize() * 1.3, id.earSize() * 2.2));
    g.fill(new Ellipse2D.Double(w - id.earSize() * 0.7 + yaw * 0.3, -id.earSize(), id.earSize() * 1.3, id.earSize() * 2.2));
    Path2D face = new Path2D.Double();
    double jawW = w * (0.55 + 0.35 * id.jaw());
    face.moveTo(-w + Math.max(0, yaw) * 0.5, -h * 0.2);
    face.curveTo(-w, -h * 1.1, w, -h * 1.1, w + Math.min(0, yaw) * 0.5, -h * 0.2);
    face.curveTo(w, h * 0.5, jawW, h, 0 + yaw * 0.3, h);
    face.curveTo(-jawW, h, -w, h * 0.5, -w + Math.max(0, yaw) * 0.5, -h * 0.2);
    g.fill(face);

    if (id.beard()) {
      g.setColor(hairDark);
      Path2D beard = new Path2D.Double();
      beard.moveTo(-w * 0.85, h * 0.15);
      beard.curveTo(-w * 0.7, h * 1.15, w * 0.7, h * 1.15, w * 0.85, h * 0.15);
      beard.lineTo(w * 0.45, h * 0.35);
      beard.curveTo(w * 0.2, h * 0.6, -w * 0.2, h * 0.6, -w * 0.45, h * 0.35);
      beard.closePath();
      g.fill(beard);
    }

    // Hair on top.
    g.setColor(id.hair());
    switch (id.hairStyle()) {
      case 0, 1 -> g.fill(new Arc2D.Double(-w - 2, -h - 6 * id.hairVolume(), 2 * w + 4, h * 1.3 + 6 * id.hairVolume(), 0, 180, Arc2D.CHORD));
      case 3 -> { // fringe
        g.fill(new Arc2D.Double(-w - 2, -h - 5 * id.hairVolume(), 2 * w + 4, h * 1.2 + 5 * id.hairVolume(), 0, 180, Arc2D.CHORD));
        g.fill(new Rectangle2D.Double(-w * 0.8, -h * 0.6, w * 1.6, h * 0.25));
      }
      case 4 -> { // side parting
        g.fill(new Arc2D.Double(-w - 2, -h - 6 * id.hairVolume(), 2 * w + 4, h * 1.2 + 6 * id.hairVolume(), 0, 180, Arc2D.CHORD));
        g.fill(new Ellipse2D.Double(-w, -h * 0.75, w * 1.1, h * 0.4));
      }
      case 5 -> { // receding: a thin crown
        g.fill(new Arc2D.Double(-w - 1, -h - 2, 2 * w + 2, h * 0.8, 20, 140, Arc2D.CHORD));
      }
      default -> { } // 2: bald
    }

    // Eyes, brows.
    double eyeY = id.eyeHeight() - 4;
    double open = Math.max(0.15, 1 - (n.blink() > 0.9 ? 0.8 : 0) - 0.2 * Math.max(0, n.expression()));
    for (int side = -1; side <= 1; side += 2) {
      double ex = side * id.eyeSpacing() + yaw;
      double es = id.eyeSize();
      g.setColor(new Color(245, 245, 240));
      g.fill(new Ellipse2D.Double(ex - es * 1.6, eyeY - es * open, es * 3.2, es * 2 * open));
      g.setColor(id.iris());
      g.fill(new Ellipse2D.Double(ex - es * 0.8 + yaw * 0.15, eyeY - es * 0.8 * open, es * 1.6, es * 1.6 * open));
      g.setColor(Color.BLACK);
      g.fill(new Ellipse2D.Double(ex - es * 0.35 + yaw * 0.15, eyeY - es * 0.35 * open, es * 0.7, es * 0.7 * open));
      g.setColor(hairDark);
      g.setStroke(new BasicStroke((float) id.browThickness(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      double by = eyeY - id.browGap() - es - 2 * n.expression();
      double tilt = side * id.browAngle() * 6;
      g.draw(new QuadCurve2D.Double(ex - es * 2, by + tilt, ex, by - 2, ex + es * 2, by - tilt));
    }
    if (id.glasses()) {
      g.setColor(id.glassesColour());
      g.setStroke(new BasicStroke(1.6f));
      double gs = id.eyeSize() * 2.4;
      for (int side = -1; side <= 1; side += 2) {
        double ex = side * id.eyeSpacing() + yaw;
        g.draw(new RoundRectangle2D.Double(ex - gs, eyeY - gs * 0.7, 2 * gs, 1.4 * gs, 6, 6));
      }
      g.draw(new Line(-id.eyeSpacing() + gs + yaw, eyeY, id.eyeSpacing() - gs + yaw, eyeY).shape());
    }

    // Nose and mouth.
    g.setColor(id.skin().darker());
    g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    double nx = yaw * 1.2;
    Path2D nose = new Path2D.Double();
    nose.moveTo(nx, eyeY + 2);
    nose.lineTo(nx - id.noseWidth() * 0.3, eyeY + id.noseLength());
    nose.lineTo(nx + id.noseWidth(), eyeY + id.noseLength() + 1);
    g.draw(nose);
    double my = id.mouthHeight();
    double mw = id.mouthWidth() * (1 + 0.15 * n.expression());
    double curve = id.smile() + 4 * n.expression();
    g.setColor(id.lips());
    g.setStroke(new BasicStroke((float) id.lipThickness(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.draw(new QuadCurve2D.Double(-mw / 2 + yaw, my, yaw, my + curve, mw / 2 + yaw, my));
    if (id.mole()) {
      g.setColor(new Color(70, 40, 30));
      g.fill(new Ellipse2D.Double(id.moleX() + yaw - 1.2, id.moleY() - 1.2, 2.4, 2.4));
    }

    // Lighting: a gradient of light to shadow across the image, and exposure.
    g.setTransform(base);
    double dx = Math.cos(n.lightAngle()) * size / 2;
    double dy = Math.sin(n.lightAngle()) * size / 2;
    int alpha = (int) (255 * n.lightStrength());
    g.setPaint(new GradientPaint((float) (size / 2.0 - dx), (float) (size / 2.0 - dy), new Color(255, 255, 240, alpha / 2),
        (float) (size / 2.0 + dx), (float) (size / 2.0 + dy), new Color(0, 0, 0, alpha)));
    g.fillRect(0, 0, size, size);
    if (n.occlusion()) {
      g.setColor(n.occColour());
      g.fill(new Rectangle2D.Double(n.occX() * size * 0.8, n.occY() * size * 0.8, n.occW() * size, n.occH() * size));
    }
    g.dispose();
    if (n.blur()) {
      float[] k = new float[9];
      java.util.Arrays.fill(k, 1f / 9);
      img = new ConvolveOp(new Kernel(3, 3, k), ConvolveOp.EDGE_NO_OP, null).filter(img, null);
    }
    int[] px = img.getRGB(0, 0, size, size, null, 0, size);
    for (int i = 0; i < px.length; i++) {
      int p = px[i];
      int red = clamp(((p >> 16) & 0xFF) * n.exposure() + r.nextGaussian() * n.noise());
      int green = clamp(((p >> 8) & 0xFF) * n.exposure() + r.nextGaussian() * n.noise());
      int blue = clamp((p & 0xFF) * n.exposure() + r.nextGaussian() * n.noise());
      px[i] = (red << 16) | (green << 8) | blue;
    }
    img.setRGB(0, 0, size, size, px, 0, size);
    return img;
  }

  private record Line(double x1, double y1, double x2, double y2) {
    java.awt.geom.Line2D shape() {
      return new java.awt.geom.Line2D.Double(x1, y1, x2, y2);
    }
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  private static Color randomColour(SplittableRandom r) {
    return new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
  }

  private static Color jitter(Color c, SplittableRandom r, int amount) {
    return new Color(clamp(c.getRed() + (r.nextDouble() * 2 - 1) * amount),
        clamp(c.getGreen() + (r.nextDouble() * 2 - 1) * amount), clamp(c.getBlue() + (r.nextDouble() * 2 - 1) * amount));
  }

  private static Color blend(Color a, Color b, double t, SplittableRandom r, int amount) {
    return jitter(new Color(clamp(a.getRed() + (b.getRed() - a.getRed()) * t),
        clamp(a.getGreen() + (b.getGreen() - a.getGreen()) * t), clamp(a.getBlue() + (b.getBlue() - a.getBlue()) * t)),
        r, amount);
  }
}
