package org.facenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use as a library" section, kept true: its Maven coordinates are the pom's, and its Java program
 * compiles as written (taken from README.md, compiled with javax.tools against the test class path) and runs: any
 * backbone + any loss, no CLI, and the triplet loss falls on a fixed batch.
 */
class LibraryUsageTest {

  @TempDir
  Path dir;

  private static String readme() throws Exception {
    return Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
  }

  /** The README's section under the heading {@code heading} (up to the next heading of that level). */
  static String section(String markdown, String heading) {
    int start = markdown.indexOf("\n" + heading + "\n");
    assertTrue(start >= 0, "README has no '" + heading + "' section");
    int end = markdown.indexOf("\n## ", start + heading.length() + 2);
    return markdown.substring(start, end < 0 ? markdown.length() : end);
  }

  /** The bodies of the README's fenced blocks of the given language. */
  static List<String> blocks(String markdown, String language) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?ms)^```" + language + "\\n(.*?)^```$").matcher(markdown);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  @Test
  void readmeCoordinatesAreThePoms() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
    String project = pom.substring(0, pom.indexOf("<properties>"));
    List<String> xml = blocks(readme(), "xml");
    assertEquals(1, xml.size(), "one dependency block in the README");
    for (String tag : new String[] {"groupId", "artifactId", "version"}) {
      Matcher p = Pattern.compile("<" + tag + ">([^<]+)</" + tag + ">").matcher(project);
      assertTrue(p.find(), tag);
      assertTrue(xml.get(0).contains("<" + tag + ">" + p.group(1) + "</" + tag + ">"), tag + " " + p.group(1)
          + " missing from the README's dependency: " + xml.get(0));
    }
  }

  @Test
  void readmeProgramCompilesAsWrittenAndTheTripletLossFalls() throws Exception {
    List<String> java = blocks(section(readme(), "## Use as a library"), "java");
    assertEquals(1, java.size(), "the README's Java program in 'Use as a library'");
    String source = java.get(0);
    Matcher cls = Pattern.compile("public class (\\w+)").matcher(source);
    assertTrue(cls.find(), "a public class");
    Path file = dir.resolve("src").resolve(cls.group(1) + ".java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, source, StandardCharsets.UTF_8);
    Path classes = Files.createDirectories(dir.resolve("classes"));

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString(),
          "-proc:none", "-Xlint:all", "-Werror");
      boolean ok = javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(file.toFile())).call();
      assertTrue(ok, "the README's program does not compile as written: " + diagnostics.getDiagnostics());
    }

    // run its main in this JVM, against the same classes, and read what it prints
    PrintStream old = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        LibraryUsageTest.class.getClassLoader())) {
      Method main = loader.loadClass(cls.group(1)).getMethod("main", String[].class);
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(old);
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("step (\\d+) loss ([0-9.eE+-]+|NaN)").matcher(printed);
    List<Double> losses = new ArrayList<>();
    while (m.find()) {
      assertEquals(losses.size() + 1, Integer.parseInt(m.group(1)));
      losses.add(Double.parseDouble(m.group(2)));
    }
    assertEquals(20, losses.size(), printed);
    // A small learning rate and the mean of the last steps: at 0.01 Adam's first steps jump around on 8 images and
    // TensorFlow's multithreaded reductions are not bit-deterministic, so one last value against the first is a coin toss.
    double first = losses.get(0);
    double tailMean = losses.subList(15, 20).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertTrue(first > 0.02, "the untrained model should violate the margin on this batch, loss " + first);
    assertTrue(Double.isFinite(tailMean) && tailMean < 0.5 * first,
        "the triplet loss should fall on a fixed batch: first " + first + ", mean of the last 5 steps " + tailMean);
  }
}
