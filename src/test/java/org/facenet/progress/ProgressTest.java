package org.facenet.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

  private final AtomicLong now = new AtomicLong();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private Progress progress(boolean terminal, int width, long total) {
    return new Progress(out, terminal, width, "embedding", total, "img", 10.0, now::get);
  }

  private void at(double seconds) {
    now.set((long) (seconds * 1e9));
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void liveLineFitsEightyAndOneHundredSixtyColumns() {
    Progress p80 = progress(true, 80, 100_000);
    String line80 = p80.line(12_345, 145);
    assertTrue(line80.length() <= 79, line80.length() + ": " + line80);
    assertTrue(line80.contains("12,345/100,000") && line80.contains("ETA 17:10"), line80);
    String line160 = progress(true, 160, 100_000).line(12_345, 145);
    assertEquals("[==                  ]  embedding 12,345/100,000  12%  85.1 img/s  elapsed 2:25  ETA 17:10", line160);
    String line40 = progress(true, 40, 100_000).line(12_345, 145);
    assertTrue(line40.length() <= 39 && line40.contains("12,345/100,000") && line40.contains("17:10"), line40);
  }

  @Test
  void terminalRedrawsInPlaceAtMostFourTimesASecondAndEndsTheLine() {
    Progress p = progress(true, 80, 1000);
    at(0);
    p.update(0);
    at(0.1);
    p.update(100); // too soon: not drawn
    at(0.5);
    p.update(200);
    p.message(out, "warning: x.png: not an image");
    at(0.6);
    p.update(250); // not at once after a message: the message (maybe on a filtered stderr) goes out first
    at(0.8);
    p.update(300);
    at(1.0);
    p.finish();
    String s = printed();
    List<String> draws = List.of(s.split("\r"));
    assertTrue(s.contains("\r\u001b[Kwarning: x.png: not an image\n"), s);
    assertTrue(!s.contains(" 100/1,000") && !s.contains(" 250/1,000"), s);
    assertTrue(s.contains(" 200/1,000") && s.contains(" 300/1,000"), s);
    assertTrue(s.endsWith("\u001b[K\n"), "the last draw ends the line");
    for (String d : draws) {
      String visible = d.replace("\u001b[K", "").replace("\n", "");
      if (!visible.startsWith("warning")) assertTrue(visible.length() <= 79, visible);
    }
  }

  @Test
  void plainLinesEveryIntervalAndOneAtTheEnd() {
    Progress p = progress(false, 80, 1000);
    at(0);
    p.update(0);
    at(5);
    p.update(400);
    assertEquals("", printed(), "nothing in the first interval");
    at(10);
    p.update(500);
    at(12);
    p.update(600);
    at(20);
    p.update(900);
    at(21);
    p.update(1000);
    p.finish();
    assertEquals(List.of(
        "embedding 500/1,000 (50%)  50.0 img/s  elapsed 0:10  ETA 0:10",
        "embedding 900/1,000 (90%)  45.0 img/s  elapsed 0:20  ETA 0:02",
        "embedding 1,000/1,000 (100%)  47.6 img/s  elapsed 0:21  ETA 0:00"), printed().lines().toList());
    assertTrue(!printed().contains("\r") && !printed().contains("\u001b"), "no control characters in a log");
  }

  @Test
  void aShortTaskPrintsNoPlainLines() {
    Progress p = progress(false, 80, 10);
    at(0);
    p.update(5);
    at(1);
    p.update(10);
    p.finish();
    assertEquals("", printed());
  }
}
