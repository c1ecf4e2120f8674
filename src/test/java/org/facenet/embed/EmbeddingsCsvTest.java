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
}
