package org.facenet.eval;

import java.io.IOException;
import java.nio.file.Path;
import org.facenet.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The ROC curve as a PNG (XChart) and as CSV points, both written atomically. */
public final class RocPlot {

  private RocPlot() {}

  public static void writePng(Path file, RocCurve roc, String title, double auc) throws IOException {
    XYChart chart = new XYChartBuilder().width(640).height(520).title(title)
        .xAxisTitle("false accept rate").yAxisTitle("true accept rate").build();
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    XYSeries s = chart.addSeries(String.format(java.util.Locale.ROOT, "ROC (AUC %.4f)", auc), roc.fpr(), roc.tpr());
    s.setMarker(SeriesMarkers.NONE);
    XYSeries chance = chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
    chance.setMarker(SeriesMarkers.NONE);
    AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
  }

  public static void writeCsv(Path file, RocCurve roc) throws IOException {
    AtomicFiles.write(file, out -> {
      StringBuilder sb = new StringBuilder();
      for (String line : roc.csvLines()) sb.append(line).append('\n');
      out.write(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    });
  }
}
