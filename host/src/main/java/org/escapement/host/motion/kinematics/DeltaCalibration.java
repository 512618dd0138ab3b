package org.escapement.host.motion.kinematics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The geometry of a linear delta as calibration sees it: tower radius, tower angles, arm
 * lengths, endstop positions and step distances. A <i>stable position</i> is the number of
 * steps each carriage stands below its endstop: it names a point independently of the
 * geometry, so probe points recorded under one geometry can be re-evaluated under another.
 */
public final class DeltaCalibration {
  private static final String TOWERS = "abc";

  private final double radius;
  private final double[] angles;
  private final double[] arms;
  private final double[] endstops;
  private final double[] stepDists;
  private final double[][] towers = new double[3][];
  private final double[] absEndstops = new double[3];

  public DeltaCalibration(double radius, double[] angles, double[] arms, double[] endstops,
      double[] stepDists) {
    this.radius = radius;
    this.angles = angles.clone();
    this.arms = arms.clone();
    this.endstops = endstops.clone();
    this.stepDists = stepDists.clone();
    for (int i = 0; i < 3; i++) {
      double a = Math.toRadians(angles[i]);
      towers[i] = new double[] {Math.cos(a) * radius, Math.sin(a) * radius};
      // The carriage height when the effector is at the centre, at Z 0, plus the endstop.
      absEndstops[i] = endstops[i] + Math.sqrt(arms[i] * arms[i] - radius * radius);
    }
  }

  /** The calibration of a linear delta printer's kinematics, or null for other kinds. */
  public static DeltaCalibration of(Kinematics kinematics) {
    return kinematics instanceof DeltaKinematics d ? d.calibration() : null;
  }

  public double radius() {
    return radius;
  }

  public double[] angles() {
    return angles.clone();
  }

  public double[] arms() {
    return arms.clone();
  }

  public double[] endstops() {
    return endstops.clone();
  }

  /**
   * The parameters a fit may change, in the order it tries them: radius, the angles of
   * towers a and b (c stays the reference), the three endstops, and with {@code extended}
   * (distance measurements available) the three arm lengths.
   */
  public static List<String> adjustable(boolean extended) {
    return extended
        ? List.of("radius", "angle_a", "angle_b", "endstop_a", "endstop_b", "endstop_c",
            "arm_a", "arm_b", "arm_c")
        : List.of("radius", "angle_a", "angle_b", "endstop_a", "endstop_b", "endstop_c");
  }

  /** Every parameter by name ({@code radius}, {@code angle_a}, {@code arm_b}...). */
  public Map<String, Double> params() {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("radius", radius);
    for (int i = 0; i < 3; i++) {
      char t = TOWERS.charAt(i);
      p.put("angle_" + t, angles[i]);
      p.put("arm_" + t, arms[i]);
      p.put("endstop_" + t, endstops[i]);
      p.put("stepdist_" + t, stepDists[i]);
    }
    return p;
  }

  /** A calibration from parameters named as in {@link #params}. */
  public static DeltaCalibration fromParams(Map<String, Double> p) {
    double[] angles = new double[3];
    double[] arms = new double[3];
    double[] endstops = new double[3];
    double[] stepDists = new double[3];
    for (int i = 0; i < 3; i++) {
      char t = TOWERS.charAt(i);
      angles[i] = p.get("angle_" + t);
      arms[i] = p.get("arm_" + t);
      endstops[i] = p.get("endstop_" + t);
      stepDists[i] = p.get("stepdist_" + t);
    }
    return new DeltaCalibration(p.get("radius"), angles, arms, endstops, stepDists);
  }

  /** The cartesian point of a stable position; NaN where the arms cannot meet. */
  public double[] positionFromStable(double[] stable) {
    double[][] spheres = new double[3][];
    double[] radius2 = new double[3];
    for (int i = 0; i < 3; i++) {
      spheres[i] = new double[] {towers[i][0], towers[i][1],
          absEndstops[i] - stable[i] * stepDists[i]};
      radius2[i] = arms[i] * arms[i];
    }
    return Trilateration.solve(spheres, radius2);
  }

  /** The stable position (steps below each endstop) of a cartesian point. */
  public double[] stablePosition(double[] coord) {
    double[] out = new double[3];
    for (int i = 0; i < 3; i++) {
      double dx = towers[i][0] - coord[0];
      double dy = towers[i][1] - coord[1];
      double carriage = Math.sqrt(arms[i] * arms[i] - dx * dx - dy * dy) + coord[2];
      out[i] = (absEndstops[i] - carriage) / stepDists[i];
    }
    return out;
  }
}
