package org.escapement.host.heaters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A piecewise linear curve through measured (x, y) points, extended beyond the first and last
 * points along the end segments. Used for sensor tables (voltage or resistance against
 * temperature), in both directions.
 */
final class LinearInterpolation {
  /** A line y = gain x + offset, valid up to and including x = end. */
  private record Segment(double end, double gain, double offset) {
    double at(double x) {
      return gain * x + offset;
    }
  }

  private final List<Segment> segments = new ArrayList<>();

  /**
   * @throws IllegalArgumentException "duplicate value" when two points share an x, "need at
   *     least two samples" when there are fewer than two points
   */
  LinearInterpolation(List<double[]> points) {
    List<double[]> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
    double[] prev = null;
    for (double[] p : sorted) {
      if (prev != null) {
        if (p[0] <= prev[0]) {
          throw new IllegalArgumentException("duplicate value");
        }
        double gain = (p[1] - prev[1]) / (p[0] - prev[0]);
        double offset = prev[1] - prev[0] * gain;
        Segment last = segments.isEmpty() ? null : segments.getLast();
        if (last != null && last.gain() == gain && last.offset() == offset) {
          segments.set(segments.size() - 1, new Segment(p[0], gain, offset)); // same line
        } else {
          segments.add(new Segment(p[0], gain, offset));
        }
      }
      prev = p;
    }
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("need at least two samples");
    }
  }

  /** y at x. */
  double interpolate(double x) {
    for (Segment s : segments) {
      if (x < s.end()) {
        return s.at(x);
      }
    }
    return segments.getLast().at(x);
  }

  /**
   * x at y, for a curve that only rises or only falls: the first segment (from low x) whose
   * end reaches y, extended if y lies beyond the table.
   */
  double reverse(double y) {
    boolean rising = segments.getFirst().at(segments.getFirst().end())
        < segments.getLast().at(segments.getLast().end());
    if (segments.size() == 1) {
      rising = segments.getFirst().gain() > 0;
    }
    Segment use = segments.getLast();
    for (Segment s : segments) {
      double endY = s.at(s.end());
      if (rising ? endY >= y : endY <= y) {
        use = s;
        break;
      }
    }
    return (y - use.offset()) / use.gain();
  }
}
