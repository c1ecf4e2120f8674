package org.facenet.cluster;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.facenet.io.AtomicFiles;

/**
 * A self-contained HTML contact sheet: one row of thumbnails per cluster (largest first), then the noise. The
 * thumbnails are scaled down with Java2D (bilinear, in steps of at most a half so small thumbnails stay smooth),
 * encoded as JPEG and embedded as base64 data URIs, so the file opens in any browser with no server and no
 * access to the original images. An image that cannot be read shows as a grey box with its name.
 */
public final class ContactSheet {

  private final int thumbSize;
  private final int perCluster;
  private final int maxClusters;

  /**
   * @param thumbSize longest side of a thumbnail in pixels
   * @param perCluster thumbnails shown per cluster (the rest are counted)
   * @param maxClusters clusters shown (the rest are counted)
   */
  public ContactSheet(int thumbSize, int perCluster, int maxClusters) {
    if (thumbSize < 8 || perCluster < 1 || maxClusters < 1) {
      throw new IllegalArgumentException("thumbnail size must be >= 8 and counts >= 1");
    }
    this.thumbSize = thumbSize;
    this.perCluster = perCluster;
    this.maxClusters = maxClusters;
  }

  /** Writes the sheet (atomically). {@code imagesRoot} resolves relative image paths. */
  public void write(Path html, Embeddings e, Clustering c, String title, Path imagesRoot) throws IOException {
    int[][] members = c.members();
    StringBuilder sb = new StringBuilder(1 << 16);
    sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(title)).append("</title>\n")
        .append("<style>body{font-family:sans-serif;margin:1em;background:#fafafa}h1{font-size:1.2em}"
            + ".row{margin:0 0 .8em 0;padding:.4em;background:#fff;border:1px solid #ddd}"
            + ".row h2{font-size:.95em;margin:.1em 0 .3em 0}.row img,.row .miss{height:" + thumbSize + "px;"
            + "margin:1px;vertical-align:top}.miss{display:inline-block;width:" + thumbSize + "px;background:#ccc;"
            + "font-size:9px;overflow:hidden;word-break:break-all}.more{color:#666;font-size:.85em}</style>\n")
        .append("</head><body>\n<h1>").append(escape(title)).append("</h1>\n<p>").append(escape(c.summary()))
        .append("</p>\n");
    int shown = Math.min(members.length, maxClusters);
    for (int k = 0; k < shown; k++) row(sb, "cluster " + k + " (" + members[k].length + ")", members[k], e, imagesRoot);
    if (shown < members.length) {
      sb.append("<p class=\"more\">").append(members.length - shown).append(" more cluster(s) not shown</p>\n");
    }
    if (c.noiseCount() > 0) row(sb, "noise (" + c.noiseCount() + ")", c.noiseMembers(), e, imagesRoot);
    sb.append("</body></html>\n");
    AtomicFiles.write(html, out -> {
      Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
      w.write(sb.toString());
      w.flush();
    });
  }

  private void row(StringBuilder sb, String heading, int[] rows, Embeddings e, Path root) {
    sb.append("<div class=\"row\"><h2>").append(escape(heading)).append("</h2>");
    int shown = Math.min(rows.length, perCluster);
    for (int q = 0; q < shown; q++) {
      int i = rows[q];
      String tip = escape(e.path(i) + (e.label(i).isEmpty() ? "" : " [" + e.label(i) + "]"));
      String uri = thumbnail(root.resolve(e.path(i)));
      if (uri == null) {
        sb.append("<span class=\"miss\" title=\"").append(tip).append("\">").append(escape(e.path(i))).append("</span>");
      } else {
        sb.append("<img src=\"").append(uri).append("\" title=\"").append(tip).append("\" alt=\"\">");
      }
    }
    if (shown < rows.length) sb.append(" <span class=\"more\">+").append(rows.length - shown).append(" more</span>");
    sb.append("</div>\n");
  }

  /** A data URI of the scaled image, or null if it cannot be read. */
  String thumbnail(Path file) {
    try {
      if (!Files.isRegularFile(file)) return null;
      BufferedImage img = ImageIO.read(file.toFile());
      if (img == null) return null;
      BufferedImage small = scale(img, thumbSize);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      if (!ImageIO.write(small, "jpg", bytes)) return null;
      return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(bytes.toByteArray());
    } catch (IOException | RuntimeException ex) {
      return null;
    }
  }

  /** Scales so the longest side is at most {@code size}, halving at most per step; always returns RGB. */
  static BufferedImage scale(BufferedImage img, int size) {
    int w = img.getWidth();
    int h = img.getHeight();
    double f = Math.min(1.0, (double) size / Math.max(w, h));
    int tw = Math.max(1, (int) Math.round(w * f));
    int th = Math.max(1, (int) Math.round(h * f));
    BufferedImage cur = img;
    do {
      int nw = Math.max(tw, cur.getWidth() / 2);
      int nh = Math.max(th, cur.getHeight() / 2);
      BufferedImage next = new BufferedImage(nw, nh, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = next.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(cur, 0, 0, nw, nh, null);
      g.dispose();
      cur = next;
    } while (cur.getWidth() > tw || cur.getHeight() > th);
    return cur;
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(ch);
      }
    }
    return sb.toString();
  }
}
