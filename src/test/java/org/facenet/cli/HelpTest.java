package org.facenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.facenet.loss.Losses;
import org.facenet.nn.Backbones;
import org.junit.jupiter.api.Test;

/** --help stays in step with the registries: every backbone and every loss is named where it is chosen. */
class HelpTest {

  @Test
  void trainHelpNamesEveryRegisteredBackboneAndLoss() {
    CommandsTest.Run r = CommandsTest.run("train", "--help");
    assertEquals(0, r.exit());
    String help = r.out().replaceAll("\\s+", " ");
    for (String loss : Losses.names()) assertTrue(help.contains(loss), "--loss help misses " + loss);
    for (String b : Backbones.names()) {
      String family = b.replaceAll("\\d+$", "");
      String depth = b.substring(family.length());
      assertTrue(help.contains(b) || help.matches(".*" + family + "[0-9/]*\\b" + depth + "\\b.*"),
          "--backbone help misses " + b);
    }
  }
}
