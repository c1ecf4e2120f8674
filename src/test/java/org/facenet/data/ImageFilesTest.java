package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.facenet.embed.DirectoryEmbedder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One rule for what is an image, in training (ImageDataset) and in facenet-embed (DirectoryEmbedder.listImages). */
class ImageFilesTest {

  @TempDir
  Path dir;

  @Test
  void hiddenFilesAndFoldersAreSkippedByTrainingAndByEmbedAlike() throws Exception {
    for (String f : new String[] {"ann/1.jpg", "ann/.x.png", "ann/2.PNG", "ann/notes.txt", "bob/1.jpeg",
        ".thumbnails/t.png", "bob/.cache/c.jpg"}) {
      ImageDatasetTest.touch(dir.resolve(f));
    }
    List<Path> expected = List.of(dir.resolve("ann/1.jpg"), dir.resolve("ann/2.PNG"), dir.resolve("bob/1.jpeg"));
    List<Path> training = ImageDataset.scan(dir, 1).images().stream().map(LabeledImage::path).toList();
    assertEquals(expected, training);
    assertEquals(List.of("ann", "bob"), ImageDataset.scan(dir, 1).classNames());
    assertEquals(expected, DirectoryEmbedder.listImages(dir), "embed lists what training trains on");
    assertEquals(expected, ImageFiles.listRecursively(dir));
  }
}
