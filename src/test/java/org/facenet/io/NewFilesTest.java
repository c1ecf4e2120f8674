package org.facenet.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewFilesTest {

  @TempDir
  Path dir;

  @Test
  void aFolderCreatedSinceGoesWithEverythingInIt() throws Exception {
    Path run = dir.resolve("run");
    NewFiles written = NewFiles.since(run);
    Files.createDirectories(run.resolve("checkpoints/step-0"));
    Files.writeString(run.resolve("checkpoints/step-0/model.index"), "x", StandardCharsets.UTF_8);
    Files.writeString(run.resolve("run.properties"), "a=1", StandardCharsets.UTF_8);
    assertEquals(5, written.remove().size());
    assertFalse(Files.exists(run));
    assertTrue(Files.exists(dir), "the parent was there before");
  }

  @Test
  void whatWasThereBeforeIsKept() throws Exception {
    Path run = dir.resolve("run");
    Files.createDirectories(run.resolve("notes"));
    Files.writeString(run.resolve("notes/mine.txt"), "keep", StandardCharsets.UTF_8);
    NewFiles written = NewFiles.since(run);
    Files.writeString(run.resolve("notes/new.txt"), "new", StandardCharsets.UTF_8);
    Files.createDirectories(run.resolve("checkpoints"));
    Files.writeString(run.resolve("checkpoints/c"), "new", StandardCharsets.UTF_8);
    assertEquals(3, written.remove().size());
    assertEquals("keep", Files.readString(run.resolve("notes/mine.txt"), StandardCharsets.UTF_8));
    assertFalse(Files.exists(run.resolve("notes/new.txt")));
    assertFalse(Files.exists(run.resolve("checkpoints")));
    assertTrue(Files.isDirectory(run), "the folder existed before");
  }

  @Test
  void aNewFolderThatSomeoneElseFilledIsKeptWithTheirFiles() throws Exception {
    Path run = dir.resolve("run");
    NewFiles written = NewFiles.since(run);
    Files.createDirectories(run);
    Files.writeString(run.resolve("run.properties"), "a=1", StandardCharsets.UTF_8);
    NewFiles later = NewFiles.since(run);
    Files.writeString(run.resolve("classes.txt"), "x", StandardCharsets.UTF_8);
    assertEquals(1, later.remove().size());
    assertTrue(Files.exists(run.resolve("run.properties")));
    assertEquals(2, written.remove().size());
    assertFalse(Files.exists(run));
  }
}
