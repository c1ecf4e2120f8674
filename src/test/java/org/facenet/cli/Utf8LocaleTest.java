package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.imageio.ImageIO;
import org.facenet.export.ModelExporter;
import org.facenet.export.ModelExporterTest;
import org.facenet.export.ModelMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher under a C locale, in a separate JVM as a user runs it: {@code LANG=C LC_ALL=C tools/facenet embed} on
 * a class folder named "José" reads the folder and writes its name to the CSV as the UTF-8 bytes of "José".
 */
public class Utf8LocaleTest {

  @TempDir
  Path dir;

  @TempDir
  static Path shared;

  private static Path model;

  /** A tiny exported model, trained for three steps (shared by the tests). */
  static synchronized Path model() throws Exception {
    if (model == null) {
      var spec = ModelExporterTest.TINY;
      Path m = shared.resolve("model");
      ModelExporter.export(spec, ModelExporterTest.trainFewSteps(spec, shared.resolve("run")), m, new ModelMetadata(spec));
      model = m;
    }
    return model;
  }

  /** A jar whose manifest puts this test JVM's class path on its Class-Path, for the launcher's FACENET_JAR. */
  private Path pathingJar() throws IOException {
    StringBuilder cp = new StringBuilder();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.isEmpty()) continue;
      cp.append(Path.of(entry).toAbsolutePath().toUri().toASCIIString()).append(' ');
    }
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FacenetCommand.class.getName());
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, cp.toString().strip());
    Path jar = dir.resolve("facenet-test.jar");
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
      j.flush();
    }
    return jar;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return true;
    }
    return false;
  }

  @Test
  void embedUnderTheCLocaleWritesTheFolderNameAsUtf8() throws Exception {
    assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")),
        "this test JVM cannot create a non-ASCII file name itself (sun.jnu.encoding "
            + System.getProperty("sun.jnu.encoding") + ")");
    Path data = dir.resolve("data");
    Path jose = Files.createDirectories(data.resolve("José"));
    BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 40; y++) for (int x = 0; x < 40; x++) img.setRGB(x, y, (x * 6) << 16 | (y * 6) << 8 | 90);
    ImageIO.write(img, "png", jose.resolve("0001.png").toFile());
    Path model = model();
    Path csv = dir.resolve("embeddings.csv");

    Path root = Path.of(System.getProperty("user.dir"));
    List<String> command = new ArrayList<>(List.of("bash", root.resolve("tools/facenet").toString(), "embed",
        data.toString(), "--model", model.toString(), "--out", csv.toString(), "--threads", "1"));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
    env.put("LANG", "C");
    env.put("LC_ALL", "C");
    env.put("FACENET_JAR", pathingJar().toString());
    env.put("FACENET_JAVA_OPTS", "-Xmx1g");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher finished");
    assertEquals(0, p.exitValue(), output);
    assertFalse(output.contains("warning: the locale is not UTF-8"), output);

    byte[] bytes = Files.readAllBytes(csv);
    String text = new String(bytes, StandardCharsets.UTF_8);
    // the bytes on disk, not a decoding of them: "José" is 4A 6F 73 C3 A9, where the C locale gave "Jos??"
    assertTrue(contains(bytes, "José/0001.png,José,".getBytes(StandardCharsets.UTF_8)), "the CSV's bytes:\n" + text);
    assertEquals(2, text.lines().count(), "one image, one row:\n" + text);
  }

  @Test
  void theCheckpointAndTheExportedModelHonourTheUmask() throws Exception {
    int umask = org.facenet.io.AtomicFilesTest.umask();
    Path m = model();
    List<Path> all = new ArrayList<>();
    try (var s = Files.walk(m)) {
      s.forEach(all::add);
    }
    try (var s = Files.walk(shared.resolve("run/checkpoints"))) {
      s.forEach(all::add);
    }
    assertTrue(all.size() > 5, all.toString());
    for (Path p : all) {
      int expected = (Files.isDirectory(p) ? 0777 : 0666) & ~umask;
      assertEquals(Integer.toOctalString(expected), Integer.toOctalString(org.facenet.io.AtomicFilesTest.mode(p)),
          p + " under umask " + Integer.toOctalString(umask));
    }
  }
}
