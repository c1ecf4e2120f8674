package org.facenet.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

  private static final List<ProgressLine.Field> FIELDS = List.of(
      new ProgressLine.Field(0, "step 30/1200", "30/1200"),
      new ProgressLine.Field(2, "lr 0.05", ""),
      new ProgressLine.Field(1, "19.4 img/s", "19.4/s", ""),
      new ProgressLine.Field(0, "ETA 4:19"));

  @Test
  void fullWhenItFitsAndTheLastColumnStaysFree() {
    String full = "step 30/1200  lr 0.05  19.4 img/s  ETA 4:19"; // 43 characters
    assertEquals(full, ProgressLine.fit(160, FIELDS));
    assertEquals(full, ProgressLine.fit(44, FIELDS));
    // at 43 columns the line would touch the last column: the least important field goes first
    assertEquals("step 30/1200  19.4 img/s  ETA 4:19", ProgressLine.fit(43, FIELDS));
  }

  @Test
  void shrinksTheLeastImportantFieldFullyBeforeTheNext() {
    assertEquals("step 30/1200  19.4/s  ETA 4:19", ProgressLine.fit(34, FIELDS));
    // the rate goes before the step shortens
    assertEquals("step 30/1200  ETA 4:19", ProgressLine.fit(30, FIELDS));
    assertEquals("30/1200  ETA 4:19", ProgressLine.fit(20, FIELDS));
    // nothing left to shorten: cut
    assertEquals("30/1200  E", ProgressLine.fit(11, FIELDS));
    for (int w = 2; w <= 60; w++) {
      assertEquals(true, ProgressLine.fit(w, FIELDS).length() <= w - 1, "width " + w);
    }
  }

  @Test
  void barDurationAndRate() {
    assertEquals("[==========          ]", ProgressLine.bar(0, 0.5).renderings()[0]);
    assertEquals("[=====     ]", ProgressLine.bar(0, 0.5).renderings()[1]);
    assertEquals("[          ]", ProgressLine.bar(0, Double.NaN).renderings()[1]);
    assertEquals("4:19", ProgressLine.duration(259));
    assertEquals("1:00:01", ProgressLine.duration(3601));
    assertEquals("19.4 img/s", ProgressLine.rate(19.44, "img")[0]);
    assertEquals("1,234/s", ProgressLine.rate(1234.4, "img")[1]);
  }

  @Test
  void columnsFromTheEnvironmentAreCheckedForSense() {
    assertEquals(Integer.valueOf(160), ProgressLine.parseColumns("160"));
    assertNull(ProgressLine.parseColumns("0"));
    assertNull(ProgressLine.parseColumns("wide"));
    assertNull(ProgressLine.parseColumns(null));
  }
}
