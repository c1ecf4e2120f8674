package org.facenet.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingsCsvTest {

  @TempDir
  Path dir;

  @Test
  void roundTripKeepsPathsLabelsAndExactFloats() throws Exception {
    Path f = dir.resolve("e.csv");
    List<EmbeddingRow> rows = List.of(new EmbeddingRow("faces/a b/1.png", "a b", new float[] {0.1f, -1e-7f, 0.3333333f}),
        new EmbeddingRow("faces/c,\"d\"/2.jpg", "c,\"d\"", new float[] {1f, 0f, -0.5f}));
    EmbeddingsCsv.write(f, rows);
    List<String> lines = Files.readAllLines(f);
    assertEquals("path,label,e0,e1,e2", lines.get(0));
    assertEquals(3, lines.size());
    List<EmbeddingRow> back = EmbeddingsCsv.read(f);
    assertEquals(2, back.size());
    for (int i = 0; i < 2; i++) {
      assertEquals(rows.get(i).path(), back.get(i).path());
      assertEquals(rows.get(i).label(), back.get(i).label());
      assertArrayEquals(rows.get(i).embedding(), back.get(i).embedding());
    }
  }

  private void assertBad(String content, String expected) throws Exception {
    Path f = dir.resolve("bad.csv");
    Files.writeString(f, content);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbeddingsCsv.read(f));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void badRowsAreErrorsNamingTheLine() throws Exception {
    assertBad("path,label,e0,e1\na,x,1,2\nb,y,1\n", ":3: expected 4 columns");
    assertBad("path,label,e0,e1\na,x,1,2\nb,y,1,two\n", ":3: column e1 is not a number: 'two'");
    assertBad("path,label,e0,e1\na,x,NaN,2\n", ":2: column e0 is NaN");
    assertBad("path,label,e0\n", "has a header but no rows");
    assertBad("", "expected header 'path,label,e0,...'");
    assertBad("file,e0\nx,1\n", "expected header");
  }

  @Test
  void theWriterPutsEachBatchInTheStreamAtOnceAndGivesTheWholeFilesBytes() throws Exception {
    java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
    EmbeddingsCsv.Writer w = new EmbeddingsCsv.Writer(stream, 2);
    w.write(List.of(new EmbeddingRow("d/a/1.png", "a", new float[] {0.5f, -2f})));
    String header = "path,label,e0,e1\n";
    String first = "d/a/1.png,a,0.5,-2.0\n";
    assertEquals(header + first, stream.toString(java.nio.charset.StandardCharsets.UTF_8), "in the stream before the end");
    w.write(List.of(new EmbeddingRow("d/José, Jr/2.png", "José, Jr", new float[] {1e-8f, 3f}),
        new EmbeddingRow("d/b/3.png", "b", new float[] {0f, 1f})));
    String rest = "\"d/José, Jr/2.png\",\"José, Jr\",1.0E-8,3.0\nd/b/3.png,b,0.0,1.0\n";
    assertEquals(header + first + rest, stream.toString(java.nio.charset.StandardCharsets.UTF_8));
    assertThrows(IllegalArgumentException.class, () -> w.write(List.of(new EmbeddingRow("x", "y", new float[3]))));
    Path f = dir.resolve("whole.csv");
    EmbeddingsCsv.write(f, EmbeddingsCsv.read(writeBytes(header + first + rest)));
    assertEquals(header + first + rest, Files.readString(f, java.nio.charset.StandardCharsets.UTF_8));
  }

  private Path writeBytes(String text) throws Exception {
    return Files.writeString(dir.resolve("in.csv"), text, java.nio.charset.StandardCharsets.UTF_8);
  }
}
