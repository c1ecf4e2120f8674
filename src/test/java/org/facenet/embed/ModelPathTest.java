package org.facenet.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --model rule: a SavedModel as given, a run folder for its saved_model/, everything else a clear error. */
class ModelPathTest {

  @TempDir
  Path dir;

  private String error(Path p) {
    return assertThrows(IllegalArgumentException.class, () -> ModelPath.resolve(p, n -> {})).getMessage();
  }

  @Test
  void aSavedModelIsUsedAsGivenAndARunFolderForItsExport() throws Exception {
    Path run = Files.createDirectories(dir.resolve("run/saved_model"));
    Files.write(run.resolve("saved_model.pb"), new byte[] {1});
    List<String> notes = new ArrayList<>();
    assertEquals(run, ModelPath.resolve(run, notes::add));
    assertTrue(notes.isEmpty(), notes.toString());
    assertEquals(run, ModelPath.resolve(dir.resolve("run"), notes::add));
    assertEquals(1, notes.size());
    assertTrue(notes.get(0).contains(dir.resolve("run") + " is a run folder") && notes.get(0).contains(run.toString()),
        notes.get(0));
  }

  @Test
  void everythingElseSaysWhatItIs() throws Exception {
    String missing = error(dir.resolve("nope"));
    assertTrue(missing.startsWith(dir.resolve("nope") + ": no such file or folder"), missing);

    Path proto = Files.createDirectories(dir.resolve("m")).resolve("saved_model.pb");
    Files.write(proto, new byte[] {1});
    String file = error(proto);
    assertTrue(file.contains("a file, not a SavedModel folder") && file.contains("did you mean " + dir.resolve("m")), file);

    Path run = Files.createDirectories(dir.resolve("run/checkpoints"));
    String noExport = error(run.getParent());
    assertTrue(noExport.contains("a training run folder without an exported model"), noExport);

    Files.createDirectories(dir.resolve("run/saved_model"));
    String cut = error(run.getParent());
    assertTrue(cut.contains("did you mean") && cut.contains("saved_model"), cut);

    Path photos = Files.createDirectories(dir.resolve("photos"));
    String notModel = error(photos);
    assertTrue(notModel.startsWith(photos + ": not a SavedModel (no saved_model.pb)"), notModel);
  }
}
