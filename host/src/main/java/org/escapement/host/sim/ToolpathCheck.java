package org.escapement.host.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How far the printed path strayed from the commanded one. The commanded path is the
 * toolhead's moves with the print times they were planned for; the printed path is the
 * traced stepper positions turned back into toolhead coordinates. Each printed point is
 * compared with the commanded segments around its time (shaping smooths corners over a few
 * tens of milliseconds, so a few neighbours are searched), and the distance to the nearest one
 * is its deviation.
 */
public final class ToolpathCheck {
  /**
   * One commanded straight move and when it runs.
   *
   * @param compared false for homing moves: the head's position is not known during them, so
   *     motion in their time is not compared
   */
  public record Segment(double startTime, double endTime, double[] from, double[] to,
      boolean compared, boolean extruding) {}

  /** Deviations of every compared point (mm), sorted. */
  public record Result(int points, double max, double p99, double mean, double[] worstAt) {}

  /** Shaping and smoothing move steps this far around a move's own time span. */
  static final double MARGIN = 0.05;

  private final List<Segment> segments = new ArrayList<>();
  private double[] deviations = new double[1 << 16];
  private int count;
  private double worst = -1;
  private double[] worstAt = new double[3];
  private int cursor;
  private boolean sorted;

  public void addSegment(Segment s) {
    segments.add(s);
    sorted = false;
  }

  public List<Segment> segments() {
    return segments;
  }

  /** Compares the printed point at {@code time}; points outside the commanded span are skipped. */
  public void addPoint(double time, double[] p) {
    if (!sorted) {
      segments.sort(java.util.Comparator.comparingDouble(Segment::startTime));
      sorted = true;
    }
    if (segments.isEmpty() || time < segments.get(0).startTime()
        || time > segments.get(segments.size() - 1).endTime()) {
      return;
    }
    while (cursor < segments.size() - 1 && segments.get(cursor).endTime() < time) {
      cursor++;
    }
    // Compare only motion inside commanded moves (with a margin for smoothing), and none that
    // overlaps homing.
    double best = Double.MAX_VALUE;
    for (int i = Math.max(0, cursor - 6); i < Math.min(segments.size(), cursor + 7); i++) {
      Segment s = segments.get(i);
      boolean near = time >= s.startTime() - MARGIN && time <= s.endTime() + MARGIN;
      if (near && !s.compared()) {
        return;
      }
      if (s.compared()) {
        best = Math.min(best, distance(p, s));
      }
    }
    Segment at = segments.get(cursor);
    if (best == Double.MAX_VALUE
        || !(time >= at.startTime() - MARGIN && time <= at.endTime() + MARGIN
            || cursor > 0 && time <= segments.get(cursor - 1).endTime() + MARGIN)) {
      return;
    }
    if (count == deviations.length) {
      deviations = Arrays.copyOf(deviations, count * 2);
    }
    deviations[count++] = best;
    if (best > worst) {
      worst = best;
      worstAt = p.clone();
    }
  }

  /** Distance from {@code p} to a segment (a point if it has no length). */
  static double distance(double[] p, Segment s) {
    double[] a = s.from();
    double[] b = s.to();
    double dx = b[0] - a[0];
    double dy = b[1] - a[1];
    double dz = b[2] - a[2];
    double len2 = dx * dx + dy * dy + dz * dz;
    double t = 0;
    if (len2 > 0) {
      t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy + (p[2] - a[2]) * dz) / len2;
      t = Math.max(0, Math.min(1, t));
    }
    double ex = a[0] + t * dx - p[0];
    double ey = a[1] + t * dy - p[1];
    double ez = a[2] + t * dz - p[2];
    return Math.sqrt(ex * ex + ey * ey + ez * ez);
  }

  public Result result() {
    if (count == 0) {
      return new Result(0, 0, 0, 0, new double[3]);
    }
    double[] d = Arrays.copyOf(deviations, count);
    Arrays.sort(d);
    double sum = 0;
    for (double v : d) {
      sum += v;
    }
    return new Result(count, d[count - 1], d[(int) Math.min(count - 1, Math.floor(count * 0.99))],
        sum / count, worstAt);
  }
}
