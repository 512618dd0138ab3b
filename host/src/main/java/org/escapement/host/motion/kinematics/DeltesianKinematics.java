package org.escapement.host.motion.kinematics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.motion.Coord;
import org.escapement.host.motion.Homing;
import org.escapement.host.motion.Move;
import org.escapement.host.motion.Rail;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.Toolhead;

/**
 * A deltesian printer: two vertical pillars (stepper_left, stepper_right) carry arms that
 * meet at the effector, giving X and Z in one plane, and a plain Y axis (stepper_y) moves
 * that plane. X and Z home together (both carriages up to their endstops). Moves far out in
 * X, where a carriage moves several times faster than the head, are slowed down.
 */
final class DeltesianKinematics implements Kinematics {
  static final double SLOW_RATIO = 3.0;
  /** The arms must stay at least this many degrees from horizontal. */
  static final double MIN_ANGLE = 5.0;
  private static final System.Logger LOG = System.getLogger("kinematics");

  private final List<Rail> rails;
  private final double[] armX = new double[2];
  private final double[] arm2 = new double[2];
  private final double[] absEndstops = new double[2];
  private final double[][] limits = new double[3][];
  private final double homeZ;
  private final double slowX2;
  private final double verySlowX2;
  private final double maxVelocity;
  private final double maxAccel;
  private final double maxZVelocity;
  private final double maxZAccel;
  private final Coord axesMin;
  private final Coord axesMax;
  private final boolean[] homed = new boolean[3];

  DeltesianKinematics(Toolhead th, ConfigSection printer) {
    Config config = KinematicsSetup.config(th);
    ConfigSection left = config.section("stepper_left");
    ConfigSection right = config.section("stepper_right");
    Rail railLeft = Rail.lookup(th.printer(), config, "stepper_left", false, false, null,
        false);
    Rail railRight = Rail.lookup(th.printer(), config, "stepper_right", false, false,
        railLeft.homingInfo().positionEndstop(), false);
    Rail railY = Rail.lookup(th.printer(), config, "stepper_y", true, true, null, false);
    rails = List.of(railLeft, railRight, railY);
    armX[0] = KinematicsSetup.finite(left, "arm_x_length",
        left.getFloat("arm_x_length", null, Bounds.above(0)));
    armX[1] = KinematicsSetup.finite(right, "arm_x_length",
        right.getFloat("arm_x_length", armX[0], Bounds.above(0)));
    double[] arm = new double[2];
    arm[0] = KinematicsSetup.finite(left, "arm_length",
        left.getFloat("arm_length", null, Bounds.above(armX[0])));
    arm[1] = KinematicsSetup.finite(right, "arm_length",
        right.getFloat("arm_length", arm[0], Bounds.above(armX[1])));
    if (arm[1] <= armX[1]) {
      // The default (the left arm) is not checked by the bound: an arm no longer than its
      // horizontal reach cannot hold the effector (Klipper fails later, on a square root).
      throw new ConfigError("Option 'arm_length' in section 'stepper_right' must be above "
          + armX[1] + " (it defaults to stepper_left's " + arm[0] + ")");
    }
    for (int i = 0; i < 2; i++) {
      arm2[i] = arm[i] * arm[i];
    }
    // The left pivot is arm_x_length to the left of the effector, the right one to the right.
    KinematicsSetup.attach(th, railLeft, () -> new DeltesianStepper(arm2[0], -armX[0]));
    KinematicsSetup.attach(th, railRight, () -> new DeltesianStepper(arm2[1], armX[1]));
    KinematicsSetup.attach(th, railY, () -> LinearStepper.axis('y'));
    // X: as far as the arms reach while staying min_angle above horizontal.
    double minAngle = printer.getFloat("min_angle", MIN_ANGLE, Bounds.range(0, 90));
    double cosAngle = Math.cos(Math.toRadians(minAngle));
    double xKinMin = Math.ceil(-Math.min(armX[0], cosAngle * arm[1] - armX[1]));
    double xKinMax = Math.floor(Math.min(armX[1], cosAngle * arm[0] - armX[0]));
    double xKinRange = Math.min(xKinMax - xKinMin, Math.min(xKinMax * 2, -xKinMin * 2));
    Double printWidth = printer.getFloatOrNull("print_width",
        Bounds.range(0, xKinRange));
    limits[0] = printWidth != null && printWidth != 0
        ? new double[] {-printWidth * 0.5, printWidth * 0.5}
        : new double[] {xKinMin, xKinMax};
    limits[1] = railY.range();
    double[] endstops = {railLeft.homingInfo().positionEndstop(),
        railRight.homingInfo().positionEndstop()};
    for (int i = 0; i < 2; i++) {
      absEndstops[i] = endstops[i] + Math.sqrt(arm2[i] - armX[i] * armX[i]);
    }
    homeZ = actuatorToCartesian(absEndstops[0], absEndstops[1])[1];
    double zMax = Math.min(pillarsZMax(limits[0][0]), pillarsZMax(limits[0][1]));
    double zMin = KinematicsSetup.optionalFloat(printer, "minimum_z_position", 0.0,
        Bounds.max(zMax));
    limits[2] = new double[] {zMin, zMax};
    double slowRatio = printer.getFloat("slow_ratio", SLOW_RATIO, Bounds.min(0));
    if (slowRatio > 0) {
      double sr2 = slowRatio * slowRatio;
      double slow = Double.MAX_VALUE;
      double verySlow = Double.MAX_VALUE;
      for (int i = 0; i < 2; i++) {
        slow = Math.min(slow, Math.sqrt(sr2 * arm2[i] / (sr2 + 1)) - armX[i]);
        verySlow = Math.min(verySlow, Math.sqrt(2 * sr2 * arm2[i] / (2 * sr2 + 1)) - armX[i]);
      }
      slowX2 = slow * slow;
      verySlowX2 = verySlow * verySlow;
      LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT,
          "Deltesian kinematics: moves slowed past %.2fmm and %.2fmm", Math.sqrt(slowX2),
          Math.sqrt(verySlowX2)));
    } else {
      slowX2 = 0;
      verySlowX2 = 0;
    }
    maxVelocity = th.maxVelocity();
    maxAccel = th.maxAccel();
    maxZVelocity = printer.getFloat("max_z_velocity", maxVelocity,
        Bounds.above(0).andMax(maxVelocity));
    maxZAccel = printer.getFloat("max_z_accel", maxAccel, Bounds.above(0).andMax(maxAccel));
    axesMin = new Coord(new double[] {limits[0][0], limits[1][0], limits[2][0]});
    axesMax = new Coord(new double[] {limits[0][1], limits[1][1], limits[2][1]});
    setPosition(new double[] {0, 0, 0}, "");
  }

  /** {x, z} of the effector for the two carriage heights. */
  private double[] actuatorToCartesian(double left, double right) {
    double dx = armX[0] + armX[1];
    double dz = right - left;
    double pivots = Math.sqrt(dx * dx + dz * dz);
    // Solve in a frame along the line from the left pivot to the right one, then rotate back.
    double xt = (pivots * pivots + arm2[0] - arm2[1]) / (2 * pivots);
    double zt = Math.sqrt(arm2[0] - xt * xt);
    double x = xt * dx / pivots + zt * dz / pivots - armX[0];
    double z = xt * dz / pivots - zt * dx / pivots + left;
    return new double[] {x, z};
  }

  /** The highest Z both carriages allow at this X (NaN where an arm cannot reach). */
  private double pillarsZMax(double x) {
    double dzLeft = Math.sqrt(arm2[0] - (armX[0] + x) * (armX[0] + x));
    double dzRight = Math.sqrt(arm2[1] - (armX[1] - x) * (armX[1] - x));
    return Math.min(absEndstops[0] - dzLeft, absEndstops[1] - dzRight);
  }

  @Override
  public List<Stepper> steppers() {
    return KinematicsSetup.steppersOf(rails);
  }

  @Override
  public double[] calcPosition(Map<String, Double> stepperPositions) {
    double[] xz = actuatorToCartesian(stepperPositions.get(rails.get(0).name()),
        stepperPositions.get(rails.get(1).name()));
    return new double[] {xz[0], stepperPositions.get(rails.get(2).name()), xz[1]};
  }

  @Override
  public void setPosition(double[] newPos, String homingAxes) {
    for (Rail rail : rails) {
      rail.setPosition(newPos);
    }
    for (int i = 0; i < 3; i++) {
      if (homingAxes.indexOf("xyz".charAt(i)) >= 0) {
        homed[i] = true;
      }
    }
  }

  @Override
  public void clearHomingState(String axes) {
    for (int i = 0; i < 3; i++) {
      if (axes.indexOf("xyz".charAt(i)) >= 0) {
        homed[i] = false;
      }
    }
  }

  @Override
  public void home(Homing homing) {
    List<Integer> requested = homing.axes();
    boolean homeXz = requested.contains(0) || requested.contains(2);
    boolean homeY = requested.contains(1);
    homing.setAxes(homeXz && homeY ? List.of(0, 1, 2) : homeXz ? List.of(0, 2)
        : homeY ? List.of(1) : List.of());
    Double[] homePos = new Double[4];
    if (homeXz) {
      homePos[0] = 0.0;
      homePos[2] = homeZ;
      Double[] forcePos = homePos.clone();
      double maxDz2 = Math.max(arm2[0] - armX[0] * armX[0], arm2[1] - armX[1] * armX[1]);
      forcePos[2] = -1.5 * Math.sqrt(maxDz2);
      homing.homeRails(rails.subList(0, 2), forcePos, homePos);
    }
    if (homeY) {
      Rail y = rails.get(2);
      double[] range = y.range();
      Rail.HomingInfo hi = y.homingInfo();
      homePos[1] = hi.positionEndstop();
      Double[] forcePos = homePos.clone();
      if (hi.positiveDir()) {
        forcePos[1] -= 1.5 * (hi.positionEndstop() - range[0]);
      } else {
        forcePos[1] += 1.5 * (range[1] - hi.positionEndstop());
      }
      homing.homeRails(List.of(y), forcePos, homePos);
    }
  }

  @Override
  public void checkMove(Move move) {
    double[] start = move.startPos;
    double[] end = move.endPos;
    double zMax = limits[2][1];
    boolean homingMove = false;
    if (end[0] == 0 && end[2] == homeZ && move.axesD[1] == 0) {
      homingMove = true; // the move up to the endstops
    } else if (end[2] > zMax) {
      // At the very top the reachable height depends on X.
      zMax = pillarsZMax(end[0]);
      if (Double.isNaN(zMax)) {
        zMax = Double.NEGATIVE_INFINITY; // an arm cannot reach that X at all
      }
    }
    for (int i = 0; i < 3; i++) {
      // Z is checked on X moves too: near the top, moving out in X needs a carriage higher.
      boolean moves = move.axesD[i] != 0 || (i == 2 && move.axesD[0] != 0 && end[2] > zMax);
      if (!moves) {
        continue;
      }
      if (!homed[i]) {
        throw move.moveError("Must home axis first");
      }
      double hi = i == 2 ? zMax : limits[i][1];
      if ((end[i] < limits[i][0] || end[i] > hi) && !homingMove) {
        throw move.moveError();
      }
    }
    if (move.axesD[2] != 0) {
      double zRatio = move.moveD / Math.abs(move.axesD[2]);
      move.limitSpeed(maxZVelocity * zRatio, maxZAccel * zRatio);
    }
    if (move.axesD[0] != 0 && slowX2 != 0 && verySlowX2 != 0) {
      double moveX2 = Math.max(start[0] * start[0], end[0] * end[0]);
      if (moveX2 > verySlowX2) {
        move.limitSpeed(maxVelocity * 0.25, maxAccel * 0.25);
      } else if (moveX2 > slowX2) {
        move.limitSpeed(maxVelocity * 0.5, maxAccel * 0.5);
      }
    }
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    StringBuilder axes = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      if (homed[i]) {
        axes.append("xyz".charAt(i));
      }
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("homed_axes", axes.toString());
    s.put("axis_minimum", axesMin);
    s.put("axis_maximum", axesMax);
    return s;
  }
}
