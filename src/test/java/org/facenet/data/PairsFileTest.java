package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairsFileTest {

  @TempDir
  Path dir;

  @Test
  void readsLfwLinesAndResolvesBothLayoutsReportingMissingImages() throws Exception {
    ImageDatasetTest.touch(dir.resolve("img/Ann_Lee/Ann_Lee_0001.jpg"));
    ImageDatasetTest.touch(dir.resolve("img/Ann_Lee/Ann_Lee_0002.jpg"));
    ImageDatasetTest.touch(dir.resolve("img/s0007/0003.png"));
    Path file = Files.writeString(dir.resolve("pairs.txt"), "1\t2\nAnn_Lee\t1\t2\nAnn_Lee 2 s0007 3\nAnn_Lee\t1\ts0007\t9\n");
    PairsFile.Parsed parsed = PairsFile.read(file);
    assertEquals(1, parsed.folds());
    assertEquals(2, parsed.pairsPerFold());
    assertEquals(3, parsed.pairs().size());
    assertTrue(parsed.pairs().get(0).same());
    PairsFile.Resolved r = PairsFile.resolve(dir.resolve("img"), parsed.pairs());
    assertEquals(List.of(dir.resolve("img/Ann_Lee/Ann_Lee_0001.jpg"), dir.resolve("img/Ann_Lee/Ann_Lee_0002.jpg")), r.first());
    assertEquals(dir.resolve("img/s0007/0003.png"), r.second().get(1));
    assertArrayEquals(new boolean[] {true, false}, r.same());
    assertEquals(1, r.missing().size());
    assertTrue(r.missing().get(0).contains("s0007 9"), r.missing().toString());
  }

  @Test
  void malformedLinesNameTheLine() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.txt"), "10 300\nAnn 1 2\nAnn one 2\n");
    PairsFormatException e = assertThrows(PairsFormatException.class, () -> PairsFile.read(bad));
    assertTrue(e.getMessage().contains("bad.txt:3") && e.getMessage().contains("'one'"), e.getMessage());
    Path fields = Files.writeString(dir.resolve("fields.txt"), "10 300\nAnn 1 2 3 4\n");
    e = assertThrows(PairsFormatException.class, () -> PairsFile.read(fields));
    assertTrue(e.getMessage().contains("fields.txt:2") && e.getMessage().contains("5 fields"), e.getMessage());
    Path header = Files.writeString(dir.resolve("header.txt"), "Ann 1 2\n");
    e = assertThrows(PairsFormatException.class, () -> PairsFile.read(header));
    assertTrue(e.getMessage().contains("header.txt:1") && e.getMessage().contains("header"), e.getMessage());
  }

  @Test
  void madePairsAreDeterministicFoldDisjointAndRoundTrip() throws Exception {
    for (int c = 0; c < 8; c++) {
      for (int i = 1; i <= 4; i++) ImageDatasetTest.touch(dir.resolve(String.format("data/p%d/%04d.png", c, i)));
    }
    ImageDataset ds = ImageDataset.scan(dir.resolve("data"), 1);
    List<Pair> pairs = PairsFile.make(ds, 2, 3, 11);
    assertEquals(pairs, PairsFile.make(ds, 2, 3, 11));
    assertEquals(12, pairs.size());
    for (int f = 0; f < 2; f++) {
      List<Pair> fold = pairs.subList(f * 6, f * 6 + 6);
      for (int i = 0; i < 3; i++) assertTrue(fold.get(i).same());
      for (int i = 3; i < 6; i++) assertTrue(!fold.get(i).same());
    }
    Set<String> fold0 = new HashSet<>();
    for (Pair p : pairs.subList(0, 6)) { fold0.add(p.firstName()); fold0.add(p.secondName()); }
    for (Pair p : pairs.subList(6, 12)) assertTrue(!fold0.contains(p.firstName()) && !fold0.contains(p.secondName()));
    Path out = dir.resolve("made.txt");
    PairsFile.write(out, 2, 3, pairs);
    assertEquals(pairs, PairsFile.read(out).pairs());
    assertTrue(PairsFile.resolve(ds.root(), pairs).missing().isEmpty());
  }
}
