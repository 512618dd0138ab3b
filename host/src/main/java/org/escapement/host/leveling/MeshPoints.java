package org.escapement.host.leveling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;

/**
 * Where BED_MESH_CALIBRATE probes: a grid walked in a zig-zag (even rows toward +X, odd rows
 * back), cut to a circle on round beds. A point inside a faulty region is replaced by the
 * region's edges on its row and column (their average stands for it), and a zero reference
 * outside the mesh is probed last.
 */
final class MeshPoints {
  enum ZeroRef { DISABLED, IN_MESH, PROBE }

  record Region(double[] min, double[] max) {}

  private final List<Region> faultyRegions = new ArrayList<>();
  private final double[] zeroRefPos;
  private ZeroRef zeroRefMode = ZeroRef.DISABLED;
  private List<double[]> basePoints = List.of();
  private final Map<Integer, List<double[]>> substitutes = new LinkedHashMap<>();

  MeshPoints(ConfigSection section) {
    List<Double> zref = section.has("zero_reference_position")
        ? section.getFloatList("zero_reference_position", null, ",", 2) : null;
    zeroRefPos = zref == null ? null : new double[] {zref.get(0), zref.get(1)};
    for (int i = 1; i < 100; i++) {
      if (!section.has("faulty_region_" + i + "_min")) {
        break;
      }
      List<Double> start = section.getFloatList("faulty_region_" + i + "_min", null, ",", 2);
      List<Double> end = section.getFloatList("faulty_region_" + i + "_max", null, ",", 2);
      double[] c1 = {Math.min(start.get(0), end.get(0)), Math.min(start.get(1), end.get(1))};
      double[] c3 = {Math.max(start.get(0), end.get(0)), Math.max(start.get(1), end.get(1))};
      double[] c2 = {c1[0], c3[1]};
      double[] c4 = {c3[0], c1[1]};
      for (int j = 0; j < faultyRegions.size(); j++) {
        Region prev = faultyRegions.get(j);
        double[] p1 = prev.min();
        double[] p3 = prev.max();
        for (double[] corner : List.of(p1, new double[] {p1[0], p3[1]}, p3,
            new double[] {p3[0], p1[1]})) {
          if (within(corner, c1, c3, 0)) {
            throw new ConfigError(String.format(Locale.ROOT, "bed_mesh: Existing"
                + " faulty_region_%d %s overlaps added faulty_region_%d %s", j + 1,
                repr(p1, p3), i, repr(c1, c3)));
          }
        }
        for (double[] corner : List.of(c1, c2, c3, c4)) {
          if (within(corner, p1, p3, 0)) {
            throw new ConfigError(String.format(Locale.ROOT, "bed_mesh: Added"
                + " faulty_region_%d %s overlaps existing faulty_region_%d %s", i,
                repr(c1, c3), j + 1, repr(p1, p3)));
          }
        }
      }
      faultyRegions.add(new Region(c1, c3));
    }
  }

  private static String repr(double[] a, double[] b) {
    return "[[" + Py.repr(a[0]) + ", " + Py.repr(a[1]) + "], [" + Py.repr(b[0]) + ", "
        + Py.repr(b[1]) + "]]";
  }

  static boolean within(double[] c, double[] min, double[] max, double tol) {
    return max[0] + tol >= c[0] && c[0] >= min[0] - tol
        && max[1] + tol >= c[1] && c[1] >= min[1] - tol;
  }

  /**
   * Makes the points for a mesh from {@code min} to {@code max} ({@code radius} non-null: a
   * round bed around {@code origin}).
   *
   * @throws IllegalArgumentException with Klipper's message, when the points cannot be made
   */
  void generate(int xCount, int yCount, double[] min, double[] max, Double radius,
      double[] origin, String method) {
    double xDist = Math.floor((max[0] - min[0]) / (xCount - 1) * 100) / 100;
    double yDist = Math.floor((max[1] - min[1]) / (yCount - 1) * 100) / 100;
    if (xDist < 1. || yDist < 1.) {
      throw new IllegalArgumentException("bed_mesh: min/max points too close together");
    }
    double minX = min[0];
    double minY = min[1];
    double maxX;
    double maxY = max[1];
    if (radius != null) {
      yDist = xDist;
      double newR = (xCount / 2) * xDist;
      minX = minY = -newR;
      maxX = maxY = newR;
    } else {
      maxX = minX + xDist * (xCount - 1);
    }
    List<double[]> points = new ArrayList<>();
    double posY = minY;
    for (int i = 0; i < yCount; i++) {
      for (int j = 0; j < xCount; j++) {
        double posX = i % 2 == 0 ? minX + j * xDist : maxX - j * xDist;
        if (radius == null) {
          points.add(new double[] {posX, posY});
        } else if (Math.sqrt(posX * posX + posY * posY) <= radius) {
          points.add(new double[] {origin[0] + posX, origin[1] + posY});
        }
      }
      posY += yDist;
    }
    if (zeroRefPos == null || method.equals("manual")) {
      zeroRefMode = ZeroRef.DISABLED;
    } else if (within(zeroRefPos, min, max, 0)) {
      zeroRefMode = ZeroRef.IN_MESH;
    } else {
      zeroRefMode = ZeroRef.PROBE;
    }
    basePoints = points;
    substitutes.clear();
    processFaultyRegions(new double[] {minX, minY}, new double[] {maxX, maxY}, radius);
  }

  private void processFaultyRegions(double[] minPt, double[] maxPt, Double radius) {
    if (faultyRegions.isEmpty()) {
      return;
    }
    if (zeroRefMode == ZeroRef.PROBE) {
      for (Region r : faultyRegions) {
        if (within(zeroRefPos, r.min(), r.max(), 0)) {
          throw new IllegalArgumentException(String.format(Locale.ROOT, "bed_mesh: Cannot"
              + " probe zero reference position at (%.2f, %.2f) as it is located within a"
              + " faulty region. Check the value for option 'zero_reference_position'",
              zeroRefPos[0], zeroRefPos[1]));
        }
      }
    }
    double lastY = basePoints.get(0)[1];
    boolean reversed = false;
    for (int i = 0; i < basePoints.size(); i++) {
      double[] c = basePoints.get(i);
      if (!isClose(c[1], lastY, 0)) {
        reversed = !reversed;
      }
      lastY = c[1];
      List<double[]> adj = new ArrayList<>();
      for (Region r : faultyRegions) {
        if (within(c, r.min(), r.max(), .00001)) {
          adj.add(new double[] {r.min()[0], c[1]});
          adj.add(new double[] {c[0], r.min()[1]});
          adj.add(new double[] {c[0], r.max()[1]});
          adj.add(new double[] {r.max()[0], c[1]});
          if (reversed) {
            double[] first = adj.get(0);
            adj.set(0, adj.get(3));
            adj.set(3, first);
          }
          break;
        }
      }
      if (adj.isEmpty()) {
        continue;
      }
      List<double[]> valid = new ArrayList<>();
      for (double[] ac : adj) {
        if (radius == null ? within(ac, minPt, maxPt, .000001)
            : Math.sqrt(ac[0] * ac[0] + ac[1] * ac[1]) <= radius) {
          valid.add(ac);
        }
      }
      if (valid.isEmpty()) {
        throw new IllegalArgumentException("bed_mesh: Unable to generate coordinates for"
            + " faulty region at index: " + i);
      }
      substitutes.put(i, valid);
    }
  }

  /** PEP 485 isclose with Python's default relative tolerance. */
  static boolean isClose(double a, double b, double absTol) {
    return Math.abs(a - b) <= Math.max(1e-9 * Math.max(Math.abs(a), Math.abs(b)), absTol);
  }

  List<double[]> basePoints() {
    return basePoints;
  }

  Map<Integer, List<double[]>> substitutes() {
    return substitutes;
  }

  ZeroRef zeroRefMode() {
    return zeroRefMode;
  }

  double[] zeroRefPos() {
    return zeroRefPos;
  }

  /** Every point to probe, in order: substitutes in place of faulty points, the reference. */
  List<double[]> probePath() {
    List<double[]> path = new ArrayList<>();
    for (int i = 0; i < basePoints.size(); i++) {
      List<double[]> sub = substitutes.get(i);
      if (sub != null) {
        path.addAll(sub);
      } else {
        path.add(basePoints.get(i));
      }
    }
    if (zeroRefMode == ZeroRef.PROBE) {
      path.add(zeroRefPos);
    }
    return path;
  }
}
