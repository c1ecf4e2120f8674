package org.facenet.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.facenet.align.DatasetAligner;
import org.facenet.align.FaceDetector;
import org.facenet.align.PhotoDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code facenet align IN_DIR OUT_DIR}: facenet's align_dataset_mtcnn.py, a thin layer over org.facenet.align. */
@Command(name = "align", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Align a data set as facenet's align_dataset_mtcnn.py: for every photo of every identity folder of "
        + "IN_DIR, detect faces with MTCNN, keep the largest face near the centre (or every face with "
        + "--detect-multiple-faces), widen its box by the margin, clip it to the photo, resize it to the image size "
        + "and write OUT_DIR/<identity>/<name>.png; log the crop rectangles to OUT_DIR/bounding_boxes_NNNNN.txt.",
        "Photos without a face and unreadable files are listed and counted. A photo whose crop exists is skipped, so "
            + "a rerun resumes."})
public final class AlignCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "IN_DIR", description = "Identity folders of raw photos.")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT_DIR", description = "Where the aligned identity folders go.")
  Path out;

  @Range(min = 1)
  @Option(names = "--image-size", paramLabel = "PX",
      description = "Side of the aligned crops (default: 160 as facenet's published models, whose "
          + "align_dataset_mtcnn.py default is 182; 112 with --alignment similarity).")
  Integer imageSize;

  @Option(names = "--alignment", paramLabel = "KIND", defaultValue = "facenet",
      description = "facenet (the box widened by the margin, resized) or similarity (insightface's five-landmark "
          + "warp onto the ArcFace template, for ArcFace models; sizes multiple of 112 or 128) (default: "
          + "${DEFAULT-VALUE}).")
  DatasetAligner.Alignment alignment;

  @Range(min = 0)
  @Option(names = "--margin", paramLabel = "PX", defaultValue = "32",
      description = "Pixels added around the box, half on each side (default: ${DEFAULT-VALUE}; "
          + "align_dataset_mtcnn.py's own default is 44).")
  int margin;

  @Option(names = "--detect-multiple-faces",
      description = "Write every face, <name>_<i>.png, instead of the one facenet chooses (default: off).")
  boolean multipleFaces;

  @Range(min = 1)
  @Option(names = "--min-size", paramLabel = "PX", defaultValue = "20",
      description = "Smallest face searched for, in pixels (default: ${DEFAULT-VALUE}, as facenet).")
  int minSize;

  @Range(min = 1)
  @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "25000000",
      description = "Photos larger than this are downscaled before detection and cropping (default: "
          + "${DEFAULT-VALUE}).")
  long maxPixels;

  @Range(min = 1)
  @Option(names = "--threads", paramLabel = "N", description = "Photos aligned at once (default: the cores).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    FaceDetector.Settings settings = new FaceDetector.Settings(minSize, FaceDetector.Settings.FACENET.thresholds(),
        FaceDetector.Settings.FACENET.factor());
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    int size = imageSize != null ? imageSize : alignment == DatasetAligner.Alignment.SIMILARITY ? 112 : 160;
    DatasetAligner.Summary s;
    try (FaceDetector detector = new FaceDetector(settings); PhotoDecoder decoder = new PhotoDecoder(maxPixels)) {
      s = DatasetAligner.align(in, out, detector, decoder,
          new DatasetAligner.Options(size, margin, multipleFaces, n, alignment), System.err::println);
    }
    for (Path p : s.noFace()) System.out.println("no face: " + p);
    for (String u : s.unreadable()) System.out.println("unreadable: " + u);
    System.out.printf("Total number of images: %d%n", s.images());
    System.out.printf("Number of successfully aligned images: %d%n", s.aligned());
    System.out.printf("skipped (already aligned): %d; without a face: %d; unreadable: %d; boxes: %s%n", s.skipped(),
        s.noFace().size(), s.unreadable().size(), s.boundingBoxes());
    return 0;
  }
}
