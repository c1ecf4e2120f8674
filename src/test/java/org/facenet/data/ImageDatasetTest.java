package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDatasetTest {

  @TempDir
  Path dir;

  static void touch(Path p) throws Exception {
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[] {1});
  }

  @Test
  void classFoldersAreSortedAndFilteredByExtensionAndMinimum() throws Exception {
    touch(dir.resolve("bob/b.JPG"));
    touch(dir.resolve("bob/a.png"));
    touch(dir.resolve("bob/readme.txt"));
    touch(dir.resolve("alice/1.jpeg"));
    touch(dir.resolve("alice/2.Png"));
    touch(dir.resolve("alice/.hidden.jpg"));
    touch(dir.resolve("carol/only.jpg"));
    touch(dir.resolve("loose.jpg"));
    ImageDataset all = ImageDataset.scan(dir, 1);
    assertEquals(List.of("alice", "bob", "carol"), all.classNames());
    assertEquals(5, all.images().size());
    assertEquals(dir.resolve("bob/a.png"), all.images().get(all.imagesOfClass(1).get(0)).path());
    assertEquals(1, all.images().get(3).label());

    ImageDataset two = ImageDataset.scan(dir, 2);
    assertEquals(List.of("alice", "bob"), two.classNames());
    assertEquals(List.of(2, 3), two.imagesOfClass(1));
  }

  @Test
  void unusableFoldersAreClearErrors() throws Exception {
    DatasetException missing = assertThrows(DatasetException.class, () -> ImageDataset.scan(dir.resolve("nope"), 1));
    assertTrue(missing.getMessage().contains("nope") && missing.getMessage().contains("not found"), missing.getMessage());
    touch(dir.resolve("flat.jpg"));
    DatasetException flat = assertThrows(DatasetException.class, () -> ImageDataset.scan(dir, 1));
    assertTrue(flat.getMessage().contains("no class folders"), flat.getMessage());
    touch(dir.resolve("x/notes.txt"));
    DatasetException empty = assertThrows(DatasetException.class, () -> ImageDataset.scan(dir, 1));
    assertTrue(empty.getMessage().contains("no images"), empty.getMessage());
  }
}
