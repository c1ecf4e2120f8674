package org.facenet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticFacesTest {

  @TempDir
  Path dir;

  static final SyntheticFaces.Config SMALL = new SyntheticFaces.Config(3, 5, 4, 4, 3, 48, 2, 3);

  @Test
  void writesTheFacenetLayoutAndAResolvablePairsFileOverHeldOutIdentitiesOnly() throws Exception {
    SyntheticFaces.Summary s = SyntheticFaces.generate(dir.resolve("set"), SMALL);
    ImageDataset train = ImageDataset.scan(s.trainDir(), 1);
    ImageDataset held = ImageDataset.scan(s.heldOutDir(), 1);
    assertEquals(5, train.numClasses());
    assertEquals(20, train.images().size());
    assertEquals(12, held.images().size());
    Set<String> trainNames = new HashSet<>(train.classNames());
    for (String n : held.classNames()) assertTrue(!trainNames.contains(n), n + " is both a training and a held-out identity");
    PairsFile.Parsed pairs = PairsFile.read(s.pairsFile());
    assertEquals(2, pairs.folds());
    assertEquals(12, pairs.pairs().size());
    PairsFile.Resolved r = PairsFile.resolve(s.heldOutDir(), pairs.pairs());
    assertTrue(r.missing().isEmpty(), r.missing().toString());
    float[] px;
    try (TensorFlowImageDecoder decoder = new TensorFlowImageDecoder(48)) {
      px = decoder.decode(train.images().get(0).path());
    }
    assertEquals(48 * 48 * 3, px.length);
  }

  @Test
  void sameSeedSameBytesAndEnsureReusesAMatchingSet() throws Exception {
    SyntheticFaces.Summary a = SyntheticFaces.generate(dir.resolve("a"), SMALL);
    SyntheticFaces.Summary b = SyntheticFaces.generate(dir.resolve("b"), SMALL);
    Path img = Path.of("s0003", "0002.png");
    assertArrayEquals(Files.readAllBytes(a.trainDir().resolve(img)), Files.readAllBytes(b.trainDir().resolve(img)));
    assertArrayEquals(Files.readAllBytes(a.pairsFile()), Files.readAllBytes(b.pairsFile()));
    SyntheticFaces.Summary c = SyntheticFaces.generate(dir.resolve("c"), SMALL.withSeed(4));
    assertTrue(!java.util.Arrays.equals(Files.readAllBytes(a.trainDir().resolve(img)),
        Files.readAllBytes(c.trainDir().resolve(img))));

    ByteArrayOutputStream log = new ByteArrayOutputStream();
    SyntheticFaces.ensure(dir.resolve("a"), SMALL, new PrintStream(log, true));
    assertEquals("", log.toString(), "a matching set is reused, not regenerated");
    SyntheticFaces.ensure(dir.resolve("a"), SMALL.withSeed(9), new PrintStream(log, true));
    assertTrue(log.toString().contains("generating"), log.toString());
  }

  @Test
  void imagesOfOnePersonDifferButLessThanTwoPeople() throws Exception {
    // The nuisances make every image unique; the identity's traits make its images alike on average.
    SyntheticFaces.Summary s = SyntheticFaces.generate(dir.resolve("set"),
        new SyntheticFaces.Config(5, 12, 6, 4, 2, 48, 2, 1));
    ImageDataset ds = ImageDataset.scan(s.trainDir(), 1);
    double within = 0;
    double between = 0;
    int nw = 0;
    int nb = 0;
    float[][] px = new float[ds.images().size()][];
    try (TensorFlowImageDecoder decoder = new TensorFlowImageDecoder(48)) {
      for (int i = 0; i < px.length; i++) px[i] = decoder.decode(ds.images().get(i).path());
    }
    for (int i = 0; i < ds.images().size(); i++) {
      for (int j = i + 1; j < ds.images().size(); j++) {
        float[] a = px[i];
        float[] b = px[j];
        double d = 0;
        for (int k = 0; k < a.length; k++) d += (a[k] - b[k]) * (double) (a[k] - b[k]);
        assertTrue(d > 0, "two identical images");
        if (ds.images().get(i).label() == ds.images().get(j).label()) {
          within += d;
          nw++;
        } else {
          between += d;
          nb++;
        }
      }
    }
    assertTrue(within / nw < between / nb, "within " + within / nw + " vs between " + between / nb);
  }
}
