package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeSettingsTest {

  @TempDir
  Path dir;

  @Test
  void changeableSettingsAreAppliedAndSaidOneLineEach() {
    TrainingConfig saved = TrainerTest.config(dir, 2, 0.05, OptimizerKind.ADAM);
    ResumeSettings r = ResumeSettings.reconcile(saved, Map.of("learning_rate", "0.01", "max_epochs", "4",
        "tf_threads", "0", "backbone", "inception-resnet-v1"));
    assertEquals(List.of("learning_rate 0.05 -> 0.01", "max_epochs 2 -> 4"), r.changes());
    assertEquals(0.01, r.config().learningRate());
    assertEquals(4, r.config().maxEpochs());
    assertEquals(saved.model(), r.config().model());
  }

  @Test
  void theImageCacheIsSavedLoadedAndMayChangeAsThePerformanceSettingsMay() throws Exception {
    TrainingConfig saved = TrainerTest.config(dir, 2, 0.05, OptimizerKind.ADAM)
        .withChanges(Map.of("cache_images", "off"));
    assertEquals(new ImageCacheSettings(org.facenet.data.DecodedImageCache.Mode.OFF, 0), saved.imageCache());
    Path file = dir.resolve("run.properties");
    saved.save(file);
    assertEquals(saved, TrainingConfig.load(file));
    ResumeSettings r = ResumeSettings.reconcile(saved, Map.of("cache_images", "on", "cache_memory", "64",
        "tf_threads", "2"));
    assertEquals(List.of("cache_images off -> on", "cache_memory none -> 64", "tf_threads 0 -> 2"), r.changes());
    assertEquals(new ImageCacheSettings(org.facenet.data.DecodedImageCache.Mode.ON, 64), r.config().imageCache());
    assertEquals(64_000_000L, r.config().imageCache().limitBytes());
    // a run written before the setting: auto, the default limit
    java.util.Properties old = saved.toProperties();
    old.remove("cache_images");
    assertEquals(ImageCacheSettings.DEFAULT, TrainingConfig.fromProperties(old).imageCache());
  }

  @Test
  void aNewConstantRateReplacesTheSchedule() throws Exception {
    Path schedule = Files.writeString(dir.resolve("s.txt"), "0: 0.1\n");
    TrainingConfig saved = TrainerTest.config(dir, 2, 0.05, OptimizerKind.ADAM)
        .withChanges(Map.of("learning_rate_schedule_file", schedule.toString()));
    ResumeSettings r = ResumeSettings.reconcile(saved, Map.of("learning_rate", "0.01"));
    assertNull(r.config().scheduleFile());
    assertEquals(0.01, r.config().schedule().rate(5));
    assertTrue(r.changes().contains("learning_rate_schedule_file " + schedule + " -> none"), r.changes().toString());
  }

  @Test
  void settingsOfTheGraphTheDataOrTheSamplingAreRefusedNamingEach() {
    TrainingConfig saved = TrainerTest.config(dir, 2, 0.05, OptimizerKind.ADAM);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResumeSettings.reconcile(saved,
        Map.of("image_size", "96", "loss.margin", "0.3", "learning_rate", "0.01", "data_dir", "/elsewhere")));
    assertEquals("--resume: these settings are the run's own and cannot change: data_dir /elsewhere (the run has "
        + dir.toAbsolutePath() + "), image_size 96 (the run has 75), loss.margin 0.3 (the run has 0.2); leave them "
        + "out, or start a new run", e.getMessage());
  }
}
