package org.facenet.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text is UTF-8: strict reading naming the file, a byte-order mark dropped, UTF-8 bytes written. */
public class TextFilesTest {

  @TempDir
  Path dir;

  static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static String readAll(Reader r) throws IOException {
    StringBuilder sb = new StringBuilder();
    char[] buf = new char[7];
    for (int n; (n = r.read(buf, 0, buf.length)) >= 0;) sb.append(buf, 0, n);
    return sb.toString();
  }

  @Test
  void aByteOrderMarkIsAcceptedAndDropped() throws IOException {
    Path f = dir.resolve("bom.txt");
    Files.write(f, concat(BOM, "path,label\r\nJosé,1\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of("path,label", "José,1"), TextFiles.readLines(f));
    try (Reader r = TextFiles.reader(f)) {
      assertEquals("path,label\r\nJosé,1\n", readAll(r));
    }
    Path shortFile = dir.resolve("short.txt");
    Files.write(shortFile, "ab".getBytes(StandardCharsets.UTF_8));
    try (Reader r = TextFiles.reader(shortFile)) {
      assertEquals("ab", readAll(r), "a file shorter than a byte-order mark is read whole");
    }
  }

  @Test
  void bytesThatAreNotUtf8AreAnErrorNamingTheFileAndWhere() throws IOException {
    Path f = dir.resolve("latin1.txt");
    Files.write(f, "first\nJos\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    NotUtf8TextException e = assertThrows(NotUtf8TextException.class, () -> TextFiles.readLines(f));
    assertEquals(f + " is not UTF-8 text (line 2, byte 10); text files are read as UTF-8 (a byte-order mark is allowed)",
        e.getMessage());
    assertEquals(f, e.file());

    Path png = dir.resolve("image.csv");
    byte[] binary = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, (byte) 0xff, (byte) 0xfe};
    Files.write(png, binary);
    NotUtf8TextException r = assertThrows(NotUtf8TextException.class, () -> {
      try (Reader reader = TextFiles.reader(png)) {
        readAll(reader);
      }
    });
    assertEquals(png + " is not UTF-8 text (line 1); text files are read as UTF-8 (a byte-order mark is allowed)",
        r.getMessage());
  }

  @Test
  void writesUtf8WhateverTheDefaultCharset() throws IOException {
    Path f = dir.resolve("classes.txt");
    TextFiles.writeLines(f, List.of("José", "Zoë"));
    assertArrayEquals(new byte[] {'J', 'o', 's', (byte) 0xC3, (byte) 0xA9, '\n', 'Z', 'o', (byte) 0xC3, (byte) 0xAB, '\n'},
        Files.readAllBytes(f));
    TextFiles.write(f, w -> w.write("Ünïcode ✓"));
    assertEquals("Ünïcode ✓", TextFiles.read(f));
    TextFiles.write(f, "\ud83d\ude00");
    assertArrayEquals(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, Files.readAllBytes(f));
    assertEquals("\ud83d\ude00", TextFiles.read(f), "a character outside the BMP round-trips");
  }
}
