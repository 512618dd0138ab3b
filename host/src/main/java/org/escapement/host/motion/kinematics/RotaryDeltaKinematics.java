package org.escapement.host.motion.kinematics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.motion.Coord;
import org.escapement.host.motion.Homing;
import org.escapement.host.motion.Move;
import org.escapement.host.motion.Rail;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.Toolhead;

/**
 * A rotary delta: three shoulder motors (stepper_a, _b, _c; positions in radians) on a
 * platform above the bed swing upper arms; lower arms join the elbows to the effector. All
 * three home together. position_endstop is the height (mm) of the effector at the endstops.
 */
final class RotaryDeltaKinematics implements Kinematics {
  private static final System.Logger LOG = System.getLogger("kinematics");

  private final List<Rail> rails;
  private final double maxZVelocity;
  private final double shoulderRadius;
  private final double shoulderHeight;
  private final double[] angles = new double[3];
  private final double[] upperArms = new double[3];
  private final double[] lowerArms = new double[3];
  private final double[] homePosition;
  private final double maxZ;
  private final double minZ;
  private final double maxXy2;
  private final double limitZ;
  private final Coord axesMin;
  private final Coord axesMax;
  private boolean needHome = true;
  private double limitXy2 = -1;

  RotaryDeltaKinematics(Toolhead th, ConfigSection printer) {
    Config config = KinematicsSetup.config(th);
    ConfigSection[] sections = new ConfigSection[3];
    Rail[] r = new Rail[3];
    Double endstopA = null;
    for (int i = 0; i < 3; i++) {
      sections[i] = config.section("stepper_" + "abc".charAt(i));
      r[i] = Rail.lookup(th.printer(), config, sections[i].name(), false, false, endstopA,
          true);
      endstopA = r[0].homingInfo().positionEndstop();
    }
    rails = List.of(r);
    double maxVelocity = th.maxVelocity();
    maxZVelocity = printer.getFloat("max_z_velocity", maxVelocity,
        Bounds.above(0).andMax(maxVelocity));
    shoulderRadius = KinematicsSetup.finite(printer, "shoulder_radius",
        printer.getFloat("shoulder_radius", null, Bounds.above(0)));
    shoulderHeight = KinematicsSetup.finite(printer, "shoulder_height",
        printer.getFloat("shoulder_height", null, Bounds.above(0)));
    double upperA = sections[0].getFloat("upper_arm_length", null, Bounds.above(0));
    for (int i = 0; i < 3; i++) {
      upperArms[i] = KinematicsSetup.finite(sections[i], "upper_arm_length",
          sections[i].getFloat("upper_arm_length", upperA, Bounds.above(0)));
    }
    double lowerA = sections[0].getFloat("lower_arm_length", null, Bounds.above(0));
    for (int i = 0; i < 3; i++) {
      lowerArms[i] = KinematicsSetup.finite(sections[i], "lower_arm_length",
          sections[i].getFloat("lower_arm_length", lowerA, Bounds.above(0)));
    }
    double[] defaultAngles = {30.0, 150.0, 270.0};
    for (int i = 0; i < 3; i++) {
      angles[i] = KinematicsSetup.finite(sections[i], "angle",
          sections[i].getFloat("angle", defaultAngles[i]));
    }
    for (int i = 0; i < 3; i++) {
      int k = i;
      KinematicsSetup.attach(th, r[k], () -> new RotaryDeltaStepper(shoulderRadius,
          shoulderHeight, Math.toRadians(angles[k]), upperArms[k], lowerArms[k]));
    }
    double[] endstops = new double[3];
    double[] endstopAngles = new double[3];
    for (int i = 0; i < 3; i++) {
      endstops[i] = r[i].homingInfo().positionEndstop();
      endstopAngles[i] = r[i].calcPositionFromCoord(new double[] {0, 0, endstops[i]});
    }
    homePosition = actuatorToCartesian(endstopAngles);
    maxZ = Math.min(endstops[0], Math.min(endstops[1], endstops[2]));
    minZ = KinematicsSetup.optionalFloat(printer, "minimum_z_position", 0.0,
        Bounds.max(maxZ));
    double minUpper = Double.MAX_VALUE;
    double minLower = Double.MAX_VALUE;
    double lz = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      minUpper = Math.min(minUpper, shoulderRadius + upperArms[i]);
      minLower = Math.min(minLower, lowerArms[i] - shoulderRadius);
      lz = Math.min(lz, elbow(i, endstopAngles[i])[2] - lowerArms[i]);
    }
    maxXy2 = Math.min(minUpper, minLower) * Math.min(minUpper, minLower);
    limitZ = lz;
    LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT,
        "Delta max build height %.2fmm (radius tapered above %.2fmm)", maxZ, limitZ));
    double maxXy = Math.sqrt(maxXy2);
    axesMin = new Coord(new double[] {-maxXy, -maxXy, minZ});
    axesMax = new Coord(new double[] {maxXy, maxXy, maxZ});
    setPosition(new double[] {0, 0, 0}, "");
  }

  /** Elbow {x, y, z} of arm {@code i} for shoulder angle {@code angle} (radians). */
  private double[] elbow(int i, double angle) {
    double inPlaneX = upperArms[i] * Math.cos(angle) + shoulderRadius;
    double a = Math.toRadians(angles[i]);
    return new double[] {inPlaneX * Math.cos(a), inPlaneX * Math.sin(a),
        upperArms[i] * Math.sin(angle) + shoulderHeight};
  }

  private double[] actuatorToCartesian(double[] shoulderAngles) {
    double[][] elbows = new double[3][];
    double[] lower2 = new double[3];
    for (int i = 0; i < 3; i++) {
      elbows[i] = elbow(i, shoulderAngles[i]);
      lower2[i] = lowerArms[i] * lowerArms[i];
    }
    return Trilateration.solve(elbows, lower2);
  }

  @Override
  public List<Stepper> steppers() {
    return KinematicsSetup.steppersOf(rails);
  }

  @Override
  public double[] calcPosition(Map<String, Double> stepperPositions) {
    double[] a = new double[3];
    for (int i = 0; i < 3; i++) {
      a[i] = stepperPositions.get(rails.get(i).name());
    }
    return actuatorToCartesian(a);
  }

  @Override
  public void setPosition(double[] newPos, String homingAxes) {
    for (Rail rail : rails) {
      rail.setPosition(newPos);
    }
    limitXy2 = -1;
    if (homingAxes.equals("xyz")) {
      needHome = false;
    }
  }

  @Override
  public void clearHomingState(String axes) {
    if (!axes.isEmpty()) {
      limitXy2 = -1;
      needHome = true;
    }
  }

  @Override
  public void home(Homing homing) {
    homing.setAxes(List.of(0, 1, 2));
    Double[] forcePos = {homePosition[0], homePosition[1], -1.0, null};
    Double[] homePos = {homePosition[0], homePosition[1], homePosition[2], null};
    homing.homeRails(rails, forcePos, homePos);
  }

  @Override
  public void checkMove(Move move) {
    double[] end = move.endPos;
    double endXy2 = end[0] * end[0] + end[1] * end[1];
    if (endXy2 <= limitXy2 && move.axesD[2] == 0) {
      return;
    }
    if (needHome) {
      throw move.moveError("Must home first");
    }
    double endZ = end[2];
    double limit = maxXy2;
    if (endZ > limitZ) {
      limit = Math.min(limit, (maxZ - endZ) * (maxZ - endZ));
    }
    if (endXy2 > limit || endZ > maxZ || endZ < minZ) {
      if (end[0] != homePosition[0] || end[1] != homePosition[1] || endZ < minZ
          || endZ > homePosition[2]) {
        throw move.moveError();
      }
      limit = -1;
    }
    if (move.axesD[2] != 0) {
      move.limitSpeed(maxZVelocity, move.accel);
      limit = -1;
    }
    limitXy2 = limit;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("homed_axes", needHome ? "" : "xyz");
    s.put("axis_minimum", axesMin);
    s.put("axis_maximum", axesMax);
    return s;
  }
}
