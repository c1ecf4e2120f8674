package org.facenet.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class FileNameEncodingTest {

  @Test
  void warnsOnlyWhenFileNamesAreNotReadAsUtf8() {
    assertEquals(Optional.empty(), FileNameEncoding.warning("UTF-8"));
    assertEquals(Optional.empty(), FileNameEncoding.warning("utf8"));
    String w = FileNameEncoding.warning("ANSI_X3.4-1968").orElseThrow();
    assertTrue(w.contains("ANSI_X3.4-1968") && w.contains("LC_ALL=C.UTF-8"), w);
  }
}
