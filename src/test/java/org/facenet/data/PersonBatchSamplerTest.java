package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersonBatchSamplerTest {

  @TempDir
  Path dir;

  /** Identities a..d with 5, 3, 2 and 1 images. */
  ImageDataset dataset() throws Exception {
    int[] counts = {5, 3, 2, 1};
    for (int c = 0; c < counts.length; c++) {
      for (int i = 0; i < counts[c]; i++) ImageDatasetTest.touch(dir.resolve((char) ('a' + c) + "/" + i + ".png"));
    }
    return ImageDataset.scan(dir, 1);
  }

  @Test
  void batchesArePIdentitiesTimesKImages() throws Exception {
    ImageDataset ds = dataset();
    PersonBatchSampler s = new PersonBatchSampler(ds, 2, 4, 7);
    assertEquals(8, s.batchSize());
    Set<Integer> identitiesSeen = new HashSet<>();
    for (int b = 0; b < 50; b++) {
      int[] batch = s.next();
      assertEquals(8, batch.length);
      for (int p = 0; p < 2; p++) {
        int label = ds.images().get(batch[p * 4]).label();
        identitiesSeen.add(label);
        Set<Integer> distinct = new HashSet<>();
        for (int k = 0; k < 4; k++) {
          assertEquals(label, ds.images().get(batch[p * 4 + k]).label(), "a group holds one identity");
          distinct.add(batch[p * 4 + k]);
        }
        int available = ds.imagesOfClass(label).size();
        assertEquals(Math.min(4, available), distinct.size(), "without repetition while images last");
      }
      assertNotEquals(ds.images().get(batch[0]).label(), ds.images().get(batch[4]).label());
    }
    assertEquals(Set.of(0, 1, 2), identitiesSeen, "single-image identity d is never drawn, the others are");
  }

  @Test
  void tooFewUsableIdentitiesIsAClearError() throws Exception {
    ImageDatasetTest.touch(dir.resolve("a/1.png"));
    ImageDatasetTest.touch(dir.resolve("a/2.png"));
    ImageDatasetTest.touch(dir.resolve("b/1.png"));
    DatasetException e = assertThrows(DatasetException.class,
        () -> new PersonBatchSampler(ImageDataset.scan(dir, 1), 2, 2, 1));
    assertTrue(e.getMessage().contains("at least 2 identities"), e.getMessage());
  }

  @Test
  void morePeoplePerBatchThanUsableIdentitiesIsRefusedWithTheRealNumbers() throws Exception {
    ImageDataset ds = dataset(); // a, b, c have >= 2 images, d has 1
    assertEquals(List.of(0, 1, 2), PersonBatchSampler.check(ds, 3, 4));
    DatasetException e = assertThrows(DatasetException.class, () -> PersonBatchSampler.check(ds, 16, 4));
    assertTrue(e.getMessage().startsWith("--people-per-batch 16 but only 3 identities have >= 2 images"), e.getMessage());
    assertThrows(DatasetException.class, () -> new PersonBatchSampler(ds, 4, 4, 1), "not a batch of 3 x 4 instead");
    assertThrows(IllegalArgumentException.class, () -> PersonBatchSampler.check(ds, 0, 4));
  }

  @Test
  void oneIdentityIsRefusedForClassification() throws Exception {
    ImageDatasetTest.touch(dir.resolve("solo/1.png"));
    ImageDatasetTest.touch(dir.resolve("solo/2.png"));
    DatasetException e = assertThrows(DatasetException.class, () -> ImageDataset.scan(dir, 1).checkForClassification());
    assertTrue(e.getMessage().endsWith("the data set has 1 identity; classification losses need >= 2"), e.getMessage());
    ImageDatasetTest.touch(dir.resolve("duo/1.png"));
    ImageDataset.scan(dir, 1).checkForClassification();
  }

  @Test
  void randomSamplerVisitsEveryImageOncePerEpoch() {
    RandomBatchSampler s = new RandomBatchSampler(10, 5, 3);
    Set<Integer> epoch = new HashSet<>();
    for (int i : s.next()) epoch.add(i);
    for (int i : s.next()) epoch.add(i);
    assertEquals(10, epoch.size());
  }
}
