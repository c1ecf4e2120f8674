package org.facenet.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.facenet.data.Pair;
import org.facenet.embed.EmbeddingRow;
import org.junit.jupiter.api.Test;

/** Matching pairs to the rows of an embeddings CSV. */
class PairsEvaluationTest {

  private static EmbeddingRow row(String path, float v) {
    return new EmbeddingRow(path, "", new float[] {v, 1});
  }

  @Test
  void indicesAndFileNamesFindTheirRows() {
    List<EmbeddingRow> rows = List.of(row("set/Ann/Ann_0001.jpg", 1), row("set/Ann/0002.png", 2),
        row("set/Bob/IMG_7.JPG", 3), row("set/Bob/IMG_7.JPG.png", 4));
    PairsEvaluation.PairEmbeddings e = PairsEvaluation.fromRows(rows, List.of(new Pair("Ann", 1, "Ann", 2),
        Pair.ofFiles("Ann", "0002.png", "Bob", "IMG_7.JPG"), new Pair("Ann", 3, "Bob", 1)));
    assertArrayEquals(new boolean[] {true, false}, e.same());
    assertEquals(1f, e.first()[0][0]);
    assertEquals(2f, e.second()[0][0]);
    assertEquals(2f, e.first()[1][0]);
    assertEquals(3f, e.second()[1][0], "IMG_7.JPG, not IMG_7.JPG.png");
    assertEquals(1, e.missing().size());
    assertTrue(e.missing().get(0).contains("no embedding for Ann 3"), e.missing().toString());
  }

  @Test
  void anImageMatchingTwoRowsIsAnErrorNamingThem() {
    // The same set embedded under two roots: Ann/0001 is in both.
    List<EmbeddingRow> rows = List.of(row("/a/lfw/Ann/Ann_0001.jpg", 1), row("/a/lfw/Ann/Ann_0002.jpg", 2),
        row("/b/lfw_copy/Ann/Ann_0001.jpg", 5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PairsEvaluation.fromRows(rows, List.of(new Pair("Ann", 1, "Ann", 2))));
    assertTrue(e.getMessage().contains("Ann 1 matches 2 rows") && e.getMessage().contains("/a/lfw/Ann/Ann_0001.jpg")
        && e.getMessage().contains("/b/lfw_copy/Ann/Ann_0001.jpg"), e.getMessage());
    // LFW's index 1 also matches 0001.png next to Ann_0001.jpg.
    List<EmbeddingRow> both = List.of(row("x/Ann/Ann_0001.jpg", 1), row("x/Ann/0001.png", 2), row("x/Ann/Ann_0002.jpg", 3));
    e = assertThrows(IllegalArgumentException.class, () -> PairsEvaluation.fromRows(both, List.of(new Pair("Ann", 1, "Ann", 2))));
    assertTrue(e.getMessage().contains("x/Ann/Ann_0001.jpg, x/Ann/0001.png"), e.getMessage());
    // A duplicate that no pair uses is no error.
    assertEquals(1, PairsEvaluation.fromRows(rows, List.of(new Pair("Ann", 2, "Ann", 2))).same().length);
  }
}
