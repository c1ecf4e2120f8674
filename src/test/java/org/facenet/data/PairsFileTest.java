package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
    Path file = Files.writeString(dir.resolve("pairs.txt"),
        "1\t2\nAnn_Lee\t1\t2\nAnn_Lee 2 1\nAnn_Lee 2 s0007 3\nAnn_Lee\t1\ts0007\t9\n", StandardCharsets.UTF_8);
    PairsFile.Parsed parsed = PairsFile.read(file);
    assertEquals(1, parsed.folds());
    assertEquals(2, parsed.pairsPerFold());
    assertEquals(4, parsed.pairs().size());
    assertTrue(parsed.pairs().get(0).same());
    PairsFile.Resolved r = PairsFile.resolve(dir.resolve("img"), parsed.pairs());
    assertEquals(List.of(dir.resolve("img/Ann_Lee/Ann_Lee_0001.jpg"), dir.resolve("img/Ann_Lee/Ann_Lee_0002.jpg"),
        dir.resolve("img/Ann_Lee/Ann_Lee_0002.jpg")), r.first());
    assertEquals(dir.resolve("img/s0007/0003.png"), r.second().get(2));
    assertArrayEquals(new boolean[] {true, true, false}, r.same());
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

  @Test
  void aHeaderThatDisagreesWithTheLinesIsAnErrorNamingBothCounts() throws Exception {
    // 2 folds of 1 pair promise 4 lines; 3 lines (a lost line) or 5 (a wrong header) are refused.
    String four = "Ann 1 2\nAnn 1 Bob 1\nCid 1 2\nCid 2 Bob 2\n";
    assertEquals(4, PairsFile.read(Files.writeString(dir.resolve("ok.txt"), "2 1\n" + four, StandardCharsets.UTF_8))
        .pairs().size());
    Path short1 = Files.writeString(dir.resolve("short.txt"), "# a comment\n2 1\n" + four.substring(0, four.lastIndexOf("Cid 2")),
        StandardCharsets.UTF_8);
    PairsFormatException e = assertThrows(PairsFormatException.class, () -> PairsFile.read(short1));
    assertTrue(e.getMessage().startsWith(short1 + ":2: "), e.getMessage());
    assertTrue(e.getMessage().contains("2 x 2 x 1 = 4 pair lines") && e.getMessage().contains("has 3 pair lines"), e.getMessage());
    Path header = Files.writeString(dir.resolve("header.txt"), "10 300\n" + four, StandardCharsets.UTF_8);
    e = assertThrows(PairsFormatException.class, () -> PairsFile.read(header));
    assertTrue(e.getMessage().contains("= 6000 pair lines") && e.getMessage().contains("has 4 pair lines"), e.getMessage());
  }

  @Test
  void madePairsOnArbitraryFileNamesUseFileNamesAndReadBackAsTheSamePairs() throws Exception {
    // Camera names, a gap in the numbering (0001, 0003: position 2 is not 0002) and a non-ASCII identity.
    String[][] files = {{"José", "IMG_2041.JPG", "IMG_2050.jpg", "holiday.png"}, {"Ann", "0001.png", "0003.png"},
        {"Bob", "a.jpeg", "b.jpeg", "c.jpeg"}, {"Cid", "x.png", "y.png"}};
    for (String[] id : files) {
      for (int i = 1; i < id.length; i++) ImageDatasetTest.touch(dir.resolve("data").resolve(id[0]).resolve(id[i]));
    }
    ImageDataset ds = ImageDataset.scan(dir.resolve("data"), 1);
    List<Pair> pairs = PairsFile.make(ds, 2, 1, 5);
    assertEquals(4, pairs.size());
    for (Pair p : pairs) {
      assertEquals(0, p.firstIndex() + p.secondIndex(), "given by file names: " + p);
      assertTrue(Files.isRegularFile(dir.resolve("data").resolve(p.firstName()).resolve(p.firstFile())), p.toString());
    }
    Path out = dir.resolve("made.txt");
    PairsFile.write(out, 2, 1, pairs);
    assertEquals(pairs, PairsFile.read(out).pairs());
    PairsFile.Resolved r = PairsFile.resolve(ds.root(), PairsFile.read(out).pairs());
    assertTrue(r.missing().isEmpty(), r.missing().toString());
    for (int i = 0; i < pairs.size(); i++) {
      assertEquals(dir.resolve("data").resolve(pairs.get(i).firstName()).resolve(pairs.get(i).firstFile()), r.first().get(i));
      assertEquals(dir.resolve("data").resolve(pairs.get(i).secondName()).resolve(pairs.get(i).secondFile()), r.second().get(i));
    }
    // The same data set numbered as LFW (the i-th file is NAME_%04d): LFW's numeric form, which facenet reads.
    for (String[] id : files) {
      for (int i = 1; i < id.length; i++) {
        ImageDatasetTest.touch(dir.resolve("lfw").resolve(id[0]).resolve(String.format("%s_%04d.jpg", id[0], i)));
      }
    }
    List<Pair> numeric = PairsFile.make(ImageDataset.scan(dir.resolve("lfw"), 1), 2, 1, 5);
    for (Pair p : numeric) assertTrue(p.firstFile() == null && p.firstIndex() >= 1 && p.secondIndex() >= 1, p.toString());
    PairsFile.write(dir.resolve("lfw.txt"), 2, 1, numeric);
    assertTrue(Files.readString(dir.resolve("lfw.txt"), StandardCharsets.UTF_8).matches("(?s)2\t1\n(\\S+\t\\d+\t(\\S+\t)?\\d+\n){4}"));
    assertTrue(PairsFile.resolve(dir.resolve("lfw"), PairsFile.read(dir.resolve("lfw.txt")).pairs()).missing().isEmpty());
  }

  @Test
  void aNameThatCannotBeReadBackIsRefusedAndNothingIsWritten() throws Exception {
    Path out = dir.resolve("pairs.txt");
    List<Pair> spaced = List.of(Pair.ofFiles("Ann Lee", "a.png", "Ann Lee", "b.png"), Pair.ofFiles("Ann Lee", "a.png", "Bob", "c.png"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PairsFile.write(out, 1, 1, spaced));
    assertTrue(e.getMessage().contains("'Ann Lee'") && e.getMessage().contains("white space"), e.getMessage());
    List<Pair> file = List.of(Pair.ofFiles("Ann", "my photo.png", "Ann", "b.png"), Pair.ofFiles("Ann", "b.png", "Bob", "c.png"));
    e = assertThrows(IllegalArgumentException.class, () -> PairsFile.write(out, 1, 1, file));
    assertTrue(e.getMessage().contains("'my photo.png'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PairsFile.write(out, 2, 1, List.of(file.get(1), file.get(1))));
    assertTrue(e.getMessage().contains("would not read back") && e.getMessage().contains("4 pair lines"), e.getMessage());
    assertTrue(!Files.exists(out));
    // A typo is still an error, not a file name.
    Path typo = Files.writeString(dir.resolve("typo.txt"), "1 1\nAnn 1 2\nAnn 1 Bob two\n", StandardCharsets.UTF_8);
    PairsFormatException bad = assertThrows(PairsFormatException.class, () -> PairsFile.read(typo));
    assertTrue(bad.getMessage().contains("typo.txt:3") && bad.getMessage().contains("'two'"), bad.getMessage());
  }
}
