package org.facenet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.facenet.embed.EmbeddingRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContactSheetTest {

  @TempDir
  Path dir;

  @Test
  void oneRowPerClusterWithEmbeddedScaledThumbnails() throws Exception {
    List<EmbeddingRow> rows = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      BufferedImage img = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
      img.setRGB(10, 10, 0xff0000);
      Path f = dir.resolve("img" + i + ".png");
      ImageIO.write(img, "png", f.toFile());
      rows.add(new EmbeddingRow(f.getFileName().toString(), "p" + i, new float[] {i}));
    }
    rows.add(new EmbeddingRow("missing <&>.png", "p9", new float[] {9}));
    Embeddings e = Embeddings.of(rows);
    Clustering c = Clustering.of(new int[] {0, 0, -1, 1});
    Path html = dir.resolve("report.html");
    new ContactSheet(48, 10, 10).write(html, e, c, "test", dir);
    String s = Files.readString(html);
    assertEquals(2, count(s, "<div class=\"row\"><h2>cluster "));
    assertEquals(1, count(s, "<div class=\"row\"><h2>noise (1)"));
    assertTrue(s.contains("<span class=\"miss\" title=\"missing &lt;&amp;&gt;.png [p9]\">"), s);
    Matcher m = Pattern.compile("data:image/jpeg;base64,([A-Za-z0-9+/=]+)").matcher(s);
    int images = 0;
    while (m.find()) {
      BufferedImage t = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
      assertEquals(48, t.getWidth());
      assertEquals(32, t.getHeight());
      images++;
    }
    assertEquals(3, images);
    assertTrue(!s.contains("src=\"img0.png\""), "no links to the original files");
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
    return n;
  }
}
