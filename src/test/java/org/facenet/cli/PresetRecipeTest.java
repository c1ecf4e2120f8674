package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.facenet.train.TrainingConfig;
import org.facenet.train.schedule.ScheduleOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Each preset's recipe (loss, rate schedule, warm-up, margin warm-up, moving averages) is what a run gets without
 * those flags; every flag overrides it, and a part of the recipe that does not fit what the user chose instead (the
 * margin warm-up of a margin loss under another loss, the decay under a schedule file) is left out, not refused.
 */
class PresetRecipeTest {

  @TempDir
  Path dir;

  private TrainCommand parse(String... args) throws Exception {
    Files.createDirectories(dir.resolve("data"));
    List<String> all = new ArrayList<>(List.of("--data", dir.resolve("data").toString()));
    all.addAll(List.of(args));
    TrainCommand command = new TrainCommand();
    new CommandLine(command).parseArgs(all.toArray(String[]::new));
    return command;
  }

  private static void assertRecipe(Preset.Recipe r, TrainCommand command) throws Exception {
    TrainingConfig c = command.config(null);
    ScheduleOptions s = command.schedule();
    assertEquals(r.loss(), c.loss(), "loss");
    assertEquals(r.movingAverageDecay(), c.recipe().movingAverageDecay(), "moving average decay");
    assertEquals(ScheduleOptions.Decay.parse(r.lrSchedule()), s.decay(), "rate schedule");
    assertEquals(r.warmupFraction(), s.warmupFraction(), "warm-up fraction");
    assertEquals(r.marginWarmupFraction(), s.marginWarmupFraction(), "margin warm-up fraction");
    s.check(c.loss(), c.scheduleFile() != null, c.recipe().learningRateDecayEpochs(), c.learningRate());
  }

  @Test
  void eachPresetGivesItsRecipe() throws Exception {
    assertRecipe(Preset.SYNTHETIC.recipe(), parse("--preset", "quick"));
    assertRecipe(Preset.DATA.recipe(), parse("--preset", "facenet"));
    assertRecipe(Preset.DATA.recipe(), parse());
  }

  @Test
  void everyFlagOverridesTheRecipe() throws Exception {
    Preset.Recipe mine = new Preset.Recipe("cosface", "poly", 0.1, 0.2, 0.99);
    for (String preset : List.of("quick", "facenet")) {
      assertRecipe(mine, parse("--preset", preset, "--loss", "cosface", "--lr-schedule", "poly",
          "--warmup-fraction", "0.1", "--margin-warmup-fraction", "0.2", "--moving-average-decay", "0.99"));
      assertRecipe(new Preset.Recipe("arcface", "constant", 0, 0, 0), parse("--preset", preset, "--loss", "arcface",
          "--lr-schedule", "constant", "--warmup-fraction", "0", "--margin-warmup-fraction", "0",
          "--moving-average-decay", "0"));
    }
  }

  @Test
  void aPartThatDoesNotFitTheUsersChoiceIsLeftOut() throws Exception {
    Preset.Recipe q = Preset.SYNTHETIC.recipe();
    // Another loss without a margin: the preset's margin warm-up has nothing to ramp, the rest of the recipe stays.
    assertRecipe(new Preset.Recipe("softmax", q.lrSchedule(), q.warmupFraction(), 0, q.movingAverageDecay()),
        parse("--preset", "quick", "--loss", "softmax"));
    // A margin loss keeps it.
    assertRecipe(new Preset.Recipe("cosface", q.lrSchedule(), q.warmupFraction(), q.marginWarmupFraction(),
        q.movingAverageDecay()), parse("--preset", "quick", "--loss", "cosface"));
    // facenet's schedule file or decay epochs set the rate: the preset's decay gives way to it.
    Path file = Files.writeString(dir.resolve("schedule.txt"), "0: 0.1\n");
    assertRecipe(new Preset.Recipe(q.loss(), "constant", q.warmupFraction(), q.marginWarmupFraction(),
        q.movingAverageDecay()), parse("--preset", "quick", "--learning-rate-schedule-file", file.toString()));
    assertRecipe(new Preset.Recipe(q.loss(), "constant", q.warmupFraction(), q.marginWarmupFraction(),
        q.movingAverageDecay()), parse("--preset", "quick", "--learning-rate-decay-epochs", "2",
        "--learning-rate-decay-factor", "0.5"));
  }

  @Test
  void theHelpSaysEachPresetsRecipe() {
    String help = Preset.HELP;
    assertTrue(help.contains("no prelogits norm penalty, " + Preset.SYNTHETIC.recipe().help() + " (the default without"),
        help);
    assertTrue(help.contains("prelogits norm penalty 5e-4, " + Preset.DATA.recipe().help() + " (the default with"),
        help);
  }
}
