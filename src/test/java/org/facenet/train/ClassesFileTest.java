package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** classes.txt round-trips any folder name and still reads the files earlier runs wrote. */
class ClassesFileTest {

  @TempDir
  Path dir;

  @Test
  void anyFolderNameRoundTrips() throws Exception {
    List<String> names = List.of("José", "two\nlines", "back\\slash", "\\n literally", "cr\rhere", "# not a comment",
        " spaced ", "tab\there", "end\\");
    Path f = dir.resolve("classes.txt");
    ClassesFile.write(f, names);
    assertEquals(names, ClassesFile.read(f));
    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    assertEquals(names.size() + 1, lines.size(), "one line a name after the header");
    assertEquals("two\\nlines", lines.get(2));
    assertEquals("back\\\\slash", lines.get(3));
    assertEquals("José", new String(Files.readAllBytes(f), StandardCharsets.UTF_8).lines().skip(1).findFirst().get());
  }

  @Test
  void aFileWithoutTheHeaderIsReadAsOneNameALine() throws Exception {
    Path f = dir.resolve("classes.txt");
    Files.write(f, "s0001\nback\\slash\nJosé\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("s0001", "back\\slash", "José"), ClassesFile.read(f));
  }

  @Test
  void aBadEscapeNamesTheFileAndLine() throws Exception {
    Path f = dir.resolve("classes.txt");
    Files.writeString(f, ClassesFile.HEADER + "\nok\nbad\\x\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassesFile.read(f));
    assertTrue(e.getMessage().startsWith(f + ":3: "), e.getMessage());
  }
}
