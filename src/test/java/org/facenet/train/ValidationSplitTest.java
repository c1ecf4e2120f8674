package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.facenet.data.ImageDataset;
import org.facenet.data.LabeledImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** facenet's SPLIT_IMAGES rule on identities of 1, 2, 5 and 10 images, counted by hand. */
class ValidationSplitTest {

  @TempDir
  Path dir;

  private ImageDataset dataset(int... sizes) throws Exception {
    for (int c = 0; c < sizes.length; c++) {
      Path d = Files.createDirectories(dir.resolve("id" + c));
      for (int i = 0; i < sizes[c]; i++) Files.write(d.resolve(i + ".png"), new byte[1]);
    }
    return ImageDataset.scan(dir, 1);
  }

  private static int[] perClass(ImageDataset d) {
    int[] n = new int[d.numClasses()];
    for (LabeledImage i : d.images()) n[i.label()]++;
    return n;
  }

  @Test
  void eachIdentityKeepsFloorOfNTimesOneMinusRForTraining() throws Exception {
    ImageDataset all = dataset(1, 2, 5, 10);
    ValidationSplit s = ValidationSplit.of(all, new FacenetRecipe(0, 0, 1, 0.3, 0), 7);
    // n = 1: split min(floor(0.7), 0) = 0 < 1, keeps its image; n = 2: floor(1.4) = 1 -> 1 + 1;
    // n = 5: floor(3.5) = 3 -> 3 + 2; n = 10: floor(7.0) = 7 -> 7 + 3
    assertEquals(java.util.Arrays.toString(new int[] {1, 1, 3, 7}), java.util.Arrays.toString(perClass(s.training())));
    assertEquals(java.util.Arrays.toString(new int[] {0, 1, 2, 3}), java.util.Arrays.toString(perClass(s.validation())));
    assertEquals(3, s.identities());
    Set<Path> seen = new HashSet<>();
    for (LabeledImage i : s.training().images()) assertTrue(seen.add(i.path()));
    for (LabeledImage i : s.validation().images()) assertTrue(seen.add(i.path()), "no image in both");
    assertEquals(all.images().size(), seen.size());
    assertEquals(all.classNames(), s.validation().classNames(), "the labels stay the whole set's");
  }

  @Test
  void theMinimumLeftForTrainingDecidesWhoGivesImages() throws Exception {
    ImageDataset all = dataset(2, 5, 10);
    ValidationSplit s = ValidationSplit.of(all, new FacenetRecipe(0, 0, 1, 0.3, 4), 7);
    // training parts 1, 3, 7: only the last reaches 4
    assertEquals(java.util.Arrays.toString(new int[] {2, 5, 7}), java.util.Arrays.toString(perClass(s.training())));
    assertEquals(1, s.identities());
    assertThrows(IllegalArgumentException.class, () -> ValidationSplit.of(all, new FacenetRecipe(0, 0, 1, 0.3, 8), 7));
  }

  @Test
  void noRatioNoSplit() throws Exception {
    ImageDataset all = dataset(3, 3);
    ValidationSplit s = ValidationSplit.of(all, FacenetRecipe.NONE, 7);
    assertEquals(null, s.validation());
    assertEquals(6, s.training().images().size());
  }
}
