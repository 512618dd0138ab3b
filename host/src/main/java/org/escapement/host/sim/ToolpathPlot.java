package org.escapement.host.sim;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** A PNG of the printed path seen from above, over the commanded path. */
public final class ToolpathPlot {
  private ToolpathPlot() {}

  /**
   * @param printed traced (x, y) points in order
   * @param commanded the commanded segments
   */
  public static void write(Path png, String title, List<double[]> printed,
      List<ToolpathCheck.Segment> commanded) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeries cmd = new XYSeries("commanded", false, true);
    for (ToolpathCheck.Segment s : commanded) {
      if (!s.compared()) {
        continue; // homing moves start from an assumed position: not drawn
      }
      cmd.add(s.from()[0], s.from()[1]);
      cmd.add(s.to()[0], s.to()[1]);
    }
    XYSeries traced = new XYSeries("printed (MCU step trace)", false, true);
    int stride = Math.max(1, printed.size() / 200_000);
    for (int i = 0; i < printed.size(); i += stride) {
      traced.add(printed.get(i)[0], printed.get(i)[1]);
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(cmd);
    data.addSeries(traced);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    r.setSeriesPaint(0, new Color(180, 180, 180));
    r.setSeriesStroke(0, new BasicStroke(3f));
    r.setSeriesPaint(1, new Color(200, 40, 40));
    r.setSeriesStroke(1, new BasicStroke(0.6f));
    NumberAxis x = new NumberAxis("X (mm)");
    NumberAxis y = new NumberAxis("Y (mm)");
    // Frame the part (where filament went), the same scale on both axes.
    XYSeries part = new XYSeries("part", false, true);
    for (ToolpathCheck.Segment s : commanded) {
      if (s.extruding()) {
        part.add(s.from()[0], s.from()[1]);
        part.add(s.to()[0], s.to()[1]);
      }
    }
    XYSeries frame = part.getItemCount() > 0 ? part : cmd;
    double span = Math.max(frame.getMaxX() - frame.getMinX(),
        frame.getMaxY() - frame.getMinY()) * 1.15 + 1;
    double cx = (frame.getMaxX() + frame.getMinX()) / 2;
    double cy = (frame.getMaxY() + frame.getMinY()) / 2;
    if (frame.getItemCount() > 0) {
      x.setRange(cx - span / 2, cx + span / 2);
      y.setRange(cy - span / 2, cy + span / 2);
    }
    XYPlot plot = new XYPlot(data, x, y, r);
    plot.setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD);
    plot.setBackgroundPaint(Color.WHITE);
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 1400, 1400);
  }
}
