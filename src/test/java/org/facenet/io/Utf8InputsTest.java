package org.facenet.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.facenet.cluster.Embeddings;
import org.facenet.data.PairsFile;
import org.facenet.embed.EmbeddingRow;
import org.facenet.embed.EmbeddingsCsv;
import org.facenet.train.LearningRateSchedule;
import org.facenet.train.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every text input of the project goes through {@link TextFiles}: a binary or Latin-1 file says
 * "FILE is not UTF-8 text" (not "Input length = 1"), and a file with a UTF-8 byte-order mark is read as without.
 */
public class Utf8InputsTest {

  @TempDir
  Path dir;

  private static final byte[] PNG_HEAD = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D',
      'R', 0, 0, 1, 0, (byte) 0xff, (byte) 0xd8};

  private Path write(String name, byte[] bytes) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  private Path bom(String name, String text) throws IOException {
    return write(name, TextFilesTest.concat(TextFilesTest.BOM, text.getBytes(StandardCharsets.UTF_8)));
  }

  private static void assertNotUtf8(Path file, Executable read) {
    IOException e = assertThrows(IOException.class, read);
    assertTrue(e.getMessage().startsWith(file + " is not UTF-8 text"), e.getMessage());
  }

  @Test
  void embeddingsCsvWithAByteOrderMarkMatchesItsHeader() throws IOException {
    Path csv = bom("embeddings.csv", "path,label,e0,e1\nJosé/0001.png,José,0.6,0.8\n");
    List<EmbeddingRow> rows = EmbeddingsCsv.read(csv);
    assertEquals("José/0001.png", rows.get(0).path());
    assertEquals(2, Embeddings.read(csv).dim());
  }

  @Test
  void aBinaryOrLatin1EmbeddingsCsvIsNotUtf8Text() throws IOException {
    Path png = write("image.csv", PNG_HEAD);
    assertNotUtf8(png, () -> EmbeddingsCsv.read(png));
    assertNotUtf8(png, () -> Embeddings.read(png));
    // a bad byte far into the file, met while the rows stream (Commons CSV wraps it in an UncheckedIOException)
    StringBuilder sb = new StringBuilder("path,label,e0\n");
    for (int i = 0; i < 20_000; i++) sb.append("a/").append(i).append(".png,a,0.5\n");
    sb.append("Jos\u00e9/1.png,Jos\u00e9,0.5\n");
    Path latin1 = write("latin1.csv", sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    assertNotUtf8(latin1, () -> EmbeddingsCsv.read(latin1));
  }

  @Test
  void pairsFilesAndSchedulesAndRunSettings() throws IOException {
    Path pairs = bom("pairs.txt", "1\t1\nJosé\t1\t2\nJosé\t1\tMaria\t1\n");
    assertEquals("José", PairsFile.read(pairs).pairs().get(0).firstName());
    Path binaryPairs = write("pairs.bin", PNG_HEAD);
    assertNotUtf8(binaryPairs, () -> PairsFile.read(binaryPairs));

    Path schedule = bom("schedule.txt", "0: 0.1\n10: -1\n");
    assertEquals(0.1, LearningRateSchedule.parse(schedule).rate(0));
    Path binarySchedule = write("schedule.bin", PNG_HEAD);
    assertNotUtf8(binarySchedule, () -> LearningRateSchedule.parse(binarySchedule));

    Path props = write("run.properties", "loss=softmax\ndata_dir=/data/Jos\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertNotUtf8(props, () -> TrainingConfig.load(props));
  }
}
