package org.facenet.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.facenet.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The ROC curve as verification papers draw it (true accept rate over the false accept rate on a log axis,
 * {@value #MIN_FAR}..1, where the operating points of face verification lie), with VAL@FAR and the EER marked; as a PNG
 * (XChart) and as CSV points, both written atomically.
 */
public final class RocPlot {

  /** The left end of the FAR axis; the curve's points below it are drawn on it. */
  public static final double MIN_FAR = 1e-4;

  private RocPlot() {}

  /** Plots {@code r}'s ROC with its VAL at {@code farTarget} and its EER marked. */
  public static void writePng(Path file, VerificationResult r, double farTarget, String title) throws IOException {
    XYChart chart = new XYChartBuilder().width(640).height(520).title(title)
        .xAxisTitle("false accept rate (log scale; below 1e-4 drawn at 1e-4)")
        .yAxisTitle("true accept rate").build();
    chart.getStyler().setXAxisLogarithmic(true).setXAxisMin(MIN_FAR).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    double[] fpr = r.roc().fpr();
    for (int i = 0; i < fpr.length; i++) fpr[i] = Math.max(MIN_FAR, fpr[i]);
    XYSeries s = chart.addSeries(String.format(Locale.ROOT, "ROC (AUC %.4f)", r.auc()), fpr, r.roc().tpr());
    s.setMarker(SeriesMarkers.NONE);
    double[] cx = new double[41];
    for (int i = 0; i < cx.length; i++) cx[i] = Math.pow(10, -4 + i * 0.1);
    XYSeries chance = chart.addSeries("chance", cx, cx.clone());
    chance.setMarker(SeriesMarkers.NONE).setLineColor(Color.GRAY)
        .setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
    if (Double.isFinite(r.valMean()) && farTarget >= MIN_FAR) {
      XYSeries val = chart.addSeries(String.format(Locale.ROOT, "VAL@FAR=%s: %.4f", farLabel(farTarget), r.valMean()),
          new double[] {farTarget, farTarget}, new double[] {0, r.valMean()});
      val.setMarker(SeriesMarkers.NONE).setLineColor(new Color(0, 140, 0)).setLineStyle(new BasicStroke(1.5f));
      chart.addSeries("val-point", new double[] {farTarget}, new double[] {r.valMean()}).setMarker(SeriesMarkers.CIRCLE)
          .setMarkerColor(new Color(0, 140, 0)).setShowInLegend(false);
    }
    if (Double.isFinite(r.eer())) {
      double at = Math.max(MIN_FAR, r.eer());
      chart.addSeries(String.format(Locale.ROOT, "EER %.4f", r.eer()), new double[] {at}, new double[] {1 - r.eer()})
          .setMarker(SeriesMarkers.DIAMOND).setMarkerColor(Color.RED).setLineColor(Color.RED);
    }
    AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
  }

  private static String farLabel(double far) {
    double exp = Math.log10(far);
    return exp == Math.rint(exp) ? "1e" + (long) exp : Double.toString(far);
  }

  public static void writeCsv(Path file, RocCurve roc) throws IOException {
    AtomicFiles.write(file, out -> {
      StringBuilder sb = new StringBuilder();
      for (String line : roc.csvLines()) sb.append(line).append('\n');
      out.write(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    });
  }
}
