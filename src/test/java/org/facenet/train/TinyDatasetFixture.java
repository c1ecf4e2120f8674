package org.facenet.train;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture of the test classes that train on {@link TrainerTest#tinyDataset}: a temporary folder per test class
 * ({@link #dir}), the tiny data set made once in it ({@link #data}, {@code dir/data}). A test class extends it.
 */
public abstract class TinyDatasetFixture {

  @TempDir
  protected static Path dir;

  protected static Path data;

  @BeforeAll
  protected static void tinyDataset() throws Exception {
    data = TrainerTest.tinyDataset(dir.resolve("data"));
  }
}
