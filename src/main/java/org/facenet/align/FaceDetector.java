package org.facenet.align;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.tensorflow.types.TUint8;

/**
 * MTCNN face detection exactly as facenet's {@code align.detect_face.detect_face}: an image pyramid (scales
 * {@code 12 / minSize * factor^k} while the shorter side stays >= 12 px), PNet on every level (threshold 0.6,
 * NMS 0.5 per level, 0.7 over all levels), box regression, squaring, then RNet on 24 x 24 crops (0.7, NMS 0.7,
 * regression, squaring) and ONet on 48 x 48 crops (0.7, landmarks, regression, NMS 0.7 over the smaller box).
 * Faces come out highest score first. Thread-safe; one detector serves many threads.
 */
public final class FaceDetector implements AutoCloseable {

  /** facenet's parameters: minimum face size in pixels, the three stages' thresholds, the pyramid factor. */
  public record Settings(int minSize, double[] thresholds, double factor) {
    public static final Settings FACENET = new Settings(20, new double[] {0.6, 0.7, 0.7}, 0.709);

    public Settings {
      if (minSize < 1) throw new IllegalArgumentException("minimum face size must be >= 1, got " + minSize);
      if (thresholds.length != 3) throw new IllegalArgumentException("three thresholds expected (PNet,RNet,ONet)");
      for (double t : thresholds) {
        if (!(t >= 0 && t <= 1)) throw new IllegalArgumentException("thresholds must be in [0, 1], got " + t);
      }
      if (!(factor > 0 && factor < 1)) throw new IllegalArgumentException("pyramid factor must be in (0, 1)");
    }
  }

  private final Mtcnn mtcnn;
  private final boolean ownsMtcnn;
  private final Settings settings;

  public FaceDetector() {
    this(Settings.FACENET);
  }

  public FaceDetector(Settings settings) {
    this(new Mtcnn(), true, settings);
  }

  /** A detector on networks the caller owns and closes. */
  public FaceDetector(Mtcnn mtcnn, Settings settings) {
    this(mtcnn, false, settings);
  }

  private FaceDetector(Mtcnn mtcnn, boolean owns, Settings settings) {
    this.mtcnn = mtcnn;
    this.ownsMtcnn = owns;
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** The pyramid's scales for an {@code h x w} photo (facenet's loop). */
  static List<Double> scales(int h, int w, int minSize, double factor) {
    List<Double> scales = new ArrayList<>();
    double m = 12.0 / minSize;
    double minl = Math.min(h, w) * m;
    int k = 0;
    while (minl >= 12) {
      scales.add(m * Math.pow(factor, k));
      minl *= factor;
      k++;
    }
    return scales;
  }

  /** The faces in {@code photo}, highest score first. */
  public List<Face> detect(RgbImage photo) {
    int h = photo.height(), w = photo.width();
    double[] t = settings.thresholds();
    List<Box> boxes = new ArrayList<>();
    try (TUint8 image = Mtcnn.tensor(photo)) {
      // the levels are independent session runs: run them concurrently (the small ones leave cores idle), then
      // gather their boxes in facenet's order
      for (List<Box> level : scales(h, w, settings.minSize(), settings.factor()).parallelStream().map(scale -> {
        int hs = (int) Math.ceil(h * scale), ws = (int) Math.ceil(w * scale);
        Mtcnn.PNetResult map = mtcnn.pnet(image, hs, ws);
        return BoxMath.nms(BoxMath.generate(map, scale, t[0]), 0.5, BoxMath.Overlap.UNION);
      }).toList()) {
        boxes.addAll(level);
      }
    }
    if (boxes.isEmpty()) return List.of();
    boxes = BoxMath.nms(boxes, 0.7, BoxMath.Overlap.UNION);
    for (Box b : boxes) {
      BoxMath.regressProposal(b);
      BoxMath.rerec(b);
      BoxMath.fixCorners(b);
    }

    // RNet
    boxes = viable(boxes);
    if (boxes.isEmpty()) return List.of();
    Mtcnn.StageResult r = mtcnn.rnet(crops(photo, boxes, 24), boxes.size());
    List<Box> passed = new ArrayList<>();
    for (int i = 0; i < boxes.size(); i++) {
      if (r.probability()[i] > t[1]) {
        Box b = boxes.get(i).copy();
        b.score = r.probability()[i];
        for (int k = 0; k < 4; k++) b.reg[k] = r.regression()[i * 4 + k];
        passed.add(b);
      }
    }
    if (passed.isEmpty()) return List.of();
    boxes = BoxMath.nms(passed, 0.7, BoxMath.Overlap.UNION);
    for (Box b : boxes) {
      BoxMath.bbreg(b, b.reg);
      BoxMath.rerec(b);
      BoxMath.fixCorners(b);
    }

    // ONet
    boxes = viable(boxes);
    if (boxes.isEmpty()) return List.of();
    Mtcnn.StageResult o = mtcnn.onet(crops(photo, boxes, 48), boxes.size());
    List<Box> faces = new ArrayList<>();
    List<double[]> landmarks = new ArrayList<>();
    for (int i = 0; i < boxes.size(); i++) {
      if (!(o.probability()[i] > t[2])) continue;
      Box b = boxes.get(i).copy();
      b.score = o.probability()[i];
      double bw = b.x2 - b.x1 + 1, bh = b.y2 - b.y1 + 1;
      double[] p = new double[10];
      for (int k = 0; k < 5; k++) {
        p[k] = bw * o.landmarks()[i * 10 + k] + b.x1 - 1;
        p[5 + k] = bh * o.landmarks()[i * 10 + 5 + k] + b.y1 - 1;
      }
      double[] reg = new double[4];
      for (int k = 0; k < 4; k++) reg[k] = o.regression()[i * 4 + k];
      BoxMath.bbreg(b, reg);
      faces.add(b);
      landmarks.add(p);
    }
    List<Face> result = new ArrayList<>();
    for (Box b : BoxMath.nms(faces, 0.7, BoxMath.Overlap.MIN)) {
      double[] p = landmarks.get(faces.indexOf(b));
      result.add(new Face(b.x1, b.y1, b.x2, b.y2, b.score, Arrays.copyOfRange(p, 0, 5),
          Arrays.copyOfRange(p, 5, 10)));
    }
    return result;
  }

  /**
   * Boxes whose crop has a size (facenet would stop with an error on an empty crop; after squaring only a box
   * entirely outside the photo can have none).
   */
  private static List<Box> viable(List<Box> boxes) {
    List<Box> out = new ArrayList<>();
    for (Box b : boxes) {
      if (b.x2 - b.x1 + 1 >= 1 && b.y2 - b.y1 + 1 >= 1) out.add(b);
    }
    return out;
  }

  /**
   * The stage's input: each box cut out of the photo as pad describes (zero outside the photo) and area-resized to
   * {@code side x side}, all boxes in one array. The boxes are independent (each writes its own slice of the array),
   * so they are cut concurrently; the arithmetic per box is the same as one at a time.
   */
  static float[] crops(RgbImage photo, List<Box> boxes, int side) {
    float[] out = new float[boxes.size() * side * side * 3];
    byte[] rgb = photo.rgb();
    int width = photo.width(), height = photo.height();
    IntStream.range(0, boxes.size()).parallel().forEach(k -> {
      BoxMath.Pad p = BoxMath.pad(boxes.get(k), width, height);
      float[] tmp = new float[p.tmph() * p.tmpw() * 3];
      int rows = Math.min(p.edy() - p.dy() + 1, p.ey() - p.y() + 1);
      int cols = Math.min(p.edx() - p.dx() + 1, p.ex() - p.x() + 1);
      // the columns j that land inside both the crop and the photo
      int j0 = Math.max(0, Math.max(1 - p.dx(), 1 - p.x()));
      int j1 = Math.min(cols, Math.min(p.tmpw() - p.dx() + 1, width - p.x() + 1));
      for (int i = 0; i < rows; i++) {
        int ty = p.dy() - 1 + i, sy = p.y() - 1 + i;
        if (ty < 0 || ty >= p.tmph() || sy < 0 || sy >= height || j1 <= j0) continue;
        int t = (ty * p.tmpw() + p.dx() - 1 + j0) * 3, src = (sy * width + p.x() - 1 + j0) * 3;
        for (int e = 0, n = (j1 - j0) * 3; e < n; e++) tmp[t + e] = rgb[src + e] & 0xFF;
      }
      AreaResize.resize(tmp, 0, p.tmph(), p.tmpw(), side, side, out, k * side * side * 3);
    });
    return out;
  }

  @Override
  public void close() {
    if (ownsMtcnn) mtcnn.close();
  }
}
