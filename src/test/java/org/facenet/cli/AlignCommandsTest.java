package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** facenet detect and facenet align on a small folder: one LFW photo, one blank photo, one broken file. */
class AlignCommandsTest {

  @TempDir
  static Path dir;
  static Path photos;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    PrintStream oldOut = System.out, oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = FacenetCommand.execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @BeforeAll
  static void photos() throws Exception {
    photos = dir.resolve("raw");
    Path person = Files.createDirectories(photos.resolve("Anthony_Hopkins"));
    Path other = Files.createDirectories(photos.resolve("other"));
    Files.copy(Path.of(AlignCommandsTest.class.getResource("/org/facenet/align/Anthony_Hopkins_0001.jpg").toURI()),
        person.resolve("Anthony_Hopkins_0001.jpg"));
    BufferedImage blank = new BufferedImage(120, 100, BufferedImage.TYPE_INT_RGB);
    ImageIO.write(blank, "png", other.resolve("blank.png").toFile());
    Files.writeString(other.resolve("broken.jpg"), "not a jpeg");
  }

  @Test
  void detectWritesOneRowAFaceAndCountsTheRest() throws Exception {
    Path csv = dir.resolve("faces.csv");
    Run r = run("detect", photos.toString(), "--out", csv.toString());
    assertEquals(0, r.exit(), r.err());
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    assertEquals("path,face,x1,y1,x2,y2,score,lx1,ly1,lx2,ly2,lx3,ly3,lx4,ly4,lx5,ly5", lines.get(0));
    assertEquals(2, lines.size());
    String[] row = lines.get(1).split(",");
    assertTrue(row[0].endsWith("Anthony_Hopkins_0001.jpg"));
    assertEquals("0", row[1]);
    assertEquals(74.397, Double.parseDouble(row[2]), 1e-3); // facenet's box (FaceDetectorTest)
    assertTrue(r.out().contains("3 photos: 1 faces; 1 photos without a face; 1 unreadable"), r.out());
    assertTrue(r.err().contains("broken.jpg") && r.err().contains("blank.png"), r.err());
  }

  @Test
  void similarityAlignmentWritesArcFaceCrops() throws Exception {
    Path out = dir.resolve("arcface");
    Run r = run("align", photos.resolve("Anthony_Hopkins").toString().replace("Anthony_Hopkins", ""), out.toString(),
        "--alignment", "similarity");
    assertEquals(0, r.exit(), r.err());
    BufferedImage image = ImageIO.read(out.resolve("Anthony_Hopkins/Anthony_Hopkins_0001.png").toFile());
    assertEquals(112, image.getWidth());
    assertEquals(112, image.getHeight());
    assertEquals(2, run("align", photos.toString(), dir.resolve("y").toString(), "--alignment", "similarity",
        "--image-size", "100").exit());
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertEquals(2, run("detect", photos.toString(), "--min-size", "0").exit());
    assertEquals(2, run("detect", photos.toString(), "--thresholds", "0.6,0.7").exit());
    assertEquals(2, run("detect", photos.toString(), "--factor", "1.5").exit());
    assertEquals(2, run("detect", dir.resolve("missing").toString()).exit());
    assertEquals(2, run("align", photos.toString(), dir.resolve("x").toString(), "--image-size", "0").exit());
  }

  @Test
  void alignWritesFacenetStyleCropsAndResumes() throws Exception {
    Path out = dir.resolve("aligned");
    Run r = run("align", photos.toString(), out.toString(), "--image-size", "64", "--margin", "32");
    assertEquals(0, r.exit(), r.err());
    Path crop = out.resolve("Anthony_Hopkins/Anthony_Hopkins_0001.png");
    BufferedImage image = ImageIO.read(crop.toFile());
    assertEquals(64, image.getWidth());
    assertEquals(64, image.getHeight());
    assertTrue(r.out().contains("Total number of images: 3"), r.out());
    assertTrue(r.out().contains("Number of successfully aligned images: 1"), r.out());
    assertTrue(r.out().contains("no face: " + photos.resolve("other/blank.png")), r.out());
    Path boxes;
    try (Stream<Path> s = Files.list(out)) {
      boxes = s.filter(p -> p.getFileName().toString().startsWith("bounding_boxes_")).findFirst().orElseThrow();
    }
    List<String> lines = Files.readAllLines(boxes, StandardCharsets.UTF_8);
    // facenet's box 74.4 61.6 173.2 193.8 widened by 16 each side, truncated: 58 45 189 209
    assertTrue(lines.contains(crop + " 58 45 189 209"), lines.toString());
    assertTrue(lines.contains(out.resolve("other/blank.png").toString()), lines.toString());
    long modified = Files.getLastModifiedTime(crop).toMillis();
    Run again = run("align", photos.toString(), out.toString(), "--image-size", "64");
    assertEquals(0, again.exit(), again.err());
    assertTrue(again.out().contains("Number of successfully aligned images: 0"), again.out());
    assertTrue(again.out().contains("skipped (already aligned): 1"), again.out());
    assertEquals(modified, Files.getLastModifiedTime(crop).toMillis());
  }
}
