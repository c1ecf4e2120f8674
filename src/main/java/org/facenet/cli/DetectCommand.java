package org.facenet.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.facenet.align.FaceDetector;
import org.facenet.align.FacesCsv;
import org.facenet.align.PhotoDecoder;
import org.facenet.align.PhotoDetections;
import org.facenet.align.PhotoFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code facenet detect IMAGE_OR_DIR... --out faces.csv}: MTCNN face detection, a thin layer over org.facenet.align. */
@Command(name = "detect", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Detect faces with MTCNN (facenet's detect_face and weights) and write one CSV row a face: "
        + "path,face,x1,y1,x2,y2,score,lx1,ly1,...,lx5,ly5 in pixels of the original photo; faces of a photo numbered "
        + "from 0, highest score first; landmarks: the two eyes, the nose, the two mouth corners.",
        "Photos without a face and unreadable files have no row; both are named and counted."})
public final class DetectCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "IMAGE_OR_DIR", description = "Photos, or folders searched for "
      + ".jpg .jpeg .png .gif .bmp files (any case).")
  List<Path> inputs;

  @Option(names = "--out", paramLabel = "CSV", defaultValue = "faces.csv",
      description = "Output CSV, UTF-8, written whole or not at all (default: ${DEFAULT-VALUE}).")
  Path out;

  @Range(min = 1)
  @Option(names = "--min-size", paramLabel = "PX", defaultValue = "20",
      description = "Smallest face searched for, in pixels (default: ${DEFAULT-VALUE}, as facenet).")
  int minSize;

  @Option(names = "--thresholds", paramLabel = "P,R,O", split = ",", defaultValue = "0.6,0.7,0.7",
      description = "Score thresholds of PNet, RNet and ONet (default: ${DEFAULT-VALUE}, as facenet).")
  double[] thresholds;

  @Range(min = 0, max = 1, minExclusive = true)
  @Option(names = "--factor", paramLabel = "F", defaultValue = "0.709",
      description = "Scale factor between pyramid levels, below 1 (default: ${DEFAULT-VALUE}, as facenet).")
  double factor;

  @Range(min = 1)
  @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "25000000",
      description = "Photos larger than this are downscaled before the pyramid; faces are still reported in the "
          + "original's pixels (default: ${DEFAULT-VALUE}).")
  long maxPixels;

  @Range(min = 1)
  @Option(names = "--threads", paramLabel = "N", description = "Photos detected at once (default: the cores).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    FaceDetector.Settings settings = new FaceDetector.Settings(minSize, thresholds, factor);
    List<Path> files = PhotoFiles.list(inputs);
    if (files.isEmpty()) throw new IllegalArgumentException("no image files in " + inputs);
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    List<PhotoDetections.Result> results;
    try (FaceDetector detector = new FaceDetector(settings); PhotoDecoder decoder = new PhotoDecoder(maxPixels)) {
      results = PhotoDetections.run(detector, decoder, files, n, null);
    }
    FacesCsv.write(out, results);
    int faces = 0, none = 0, bad = 0;
    for (PhotoDetections.Result r : results) {
      if (r.failed()) {
        bad++;
        System.err.println("unreadable: " + r.error());
      } else if (r.faces().isEmpty()) {
        none++;
        System.err.println("no face: " + r.path());
      } else {
        faces += r.faces().size();
      }
    }
    System.out.printf("%d photos: %d faces; %d photos without a face; %d unreadable -> %s%n", results.size(), faces,
        none, bad, out);
    return 0;
  }
}
