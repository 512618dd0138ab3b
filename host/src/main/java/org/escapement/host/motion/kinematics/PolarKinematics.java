package org.escapement.host.motion.kinematics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * A polar printer: the bed turns (stepper_bed, in radians; no endstop), an arm moves the head
 * out from the bed's centre (stepper_arm) and Z is a plain axis. X and Y home together (the
 * arm homes; the bed's angle is then taken as zero). With max_angular_velocity set, moves
 * passing close to the centre slow down, as there a little XY travel is a lot of turning.
 */
final class PolarKinematics implements Kinematics {
  private final Stepper bed;
  private final Rail arm;
  private final Rail z;
  private final double maxVelocity;
  private final double maxAccel;
  private final double maxZVelocity;
  private final double maxZAccel;
  /** Radians per second; 0 = no limit. */
  private final double maxAngularVelocity;
  private double[] limitZ = {1.0, -1.0};
  private double limitXy2 = -1;
  private final Coord axesMin;
  private final Coord axesMax;

  PolarKinematics(Toolhead th, ConfigSection printer) {
    Config config = KinematicsSetup.config(th);
    bed = Stepper.fromConfig(th.printer(), config.section("stepper_bed"), true);
    arm = Rail.lookup(th.printer(), config, "stepper_arm", false, true, null, false);
    z = Rail.lookup(th.printer(), config, "stepper_z", true, true, null, false);
    KinematicsSetup.attach(th, bed, PolarStepper.angle());
    KinematicsSetup.attach(th, arm, PolarStepper::radius);
    KinematicsSetup.attach(th, z, () -> LinearStepper.axis('z'));
    maxVelocity = th.maxVelocity();
    maxAccel = th.maxAccel();
    maxZVelocity = printer.getFloat("max_z_velocity", maxVelocity,
        Bounds.above(0).andMax(maxVelocity));
    maxZAccel = printer.getFloat("max_z_accel", maxAccel, Bounds.above(0).andMax(maxAccel));
    Double angular = printer.getFloatOrNull("max_angular_velocity", Bounds.above(0));
    maxAngularVelocity = angular == null ? 0 : angular;
    double maxXy = arm.range()[1];
    axesMin = new Coord(new double[] {-maxXy, -maxXy, z.range()[0]});
    axesMax = new Coord(new double[] {maxXy, maxXy, z.range()[1]});
  }

  @Override
  public List<Stepper> steppers() {
    List<Stepper> out = new ArrayList<>();
    out.add(bed);
    out.addAll(arm.steppers());
    out.addAll(z.steppers());
    return out;
  }

  @Override
  public double[] calcPosition(Map<String, Double> stepperPositions) {
    double angle = stepperPositions.get(bed.name());
    double r = stepperPositions.get(arm.name());
    return new double[] {Math.cos(angle) * r, Math.sin(angle) * r,
        stepperPositions.get(z.name())};
  }

  @Override
  public void setPosition(double[] newPos, String homingAxes) {
    for (Stepper s : steppers()) {
      s.setPosition(newPos);
    }
    if (homingAxes.contains("z")) {
      limitZ = z.range();
    }
    if (homingAxes.contains("x") && homingAxes.contains("y")) {
      limitXy2 = arm.range()[1] * arm.range()[1];
    }
  }

  @Override
  public void clearHomingState(String axes) {
    if (axes.contains("x") || axes.contains("y")) {
      limitXy2 = -1; // X and Y are one homing
    }
    if (axes.contains("z")) {
      limitZ = new double[] {1.0, -1.0};
    }
  }

  private void homeAxis(Homing homing, int axis, Rail rail) {
    double[] range = rail.range();
    Rail.HomingInfo hi = rail.homingInfo();
    Double[] homePos = new Double[4];
    homePos[axis] = hi.positionEndstop();
    if (axis == 0) {
      homePos[1] = 0.0; // the arm homes along +X: the bed's angle becomes 0
    }
    Double[] forcePos = homePos.clone();
    if (hi.positiveDir()) {
      forcePos[axis] -= hi.positionEndstop() - range[0];
    } else {
      forcePos[axis] += range[1] - hi.positionEndstop();
    }
    homing.homeRails(List.of(rail), forcePos, homePos);
  }

  @Override
  public void home(Homing homing) {
    List<Integer> requested = homing.axes();
    boolean homeXy = requested.contains(0) || requested.contains(1);
    boolean homeZ = requested.contains(2);
    List<Integer> axes = new ArrayList<>();
    if (homeXy) {
      axes.add(0);
      axes.add(1);
    }
    if (homeZ) {
      axes.add(2);
    }
    homing.setAxes(axes);
    if (homeXy) {
      homeAxis(homing, 0, arm);
    }
    if (homeZ) {
      homeAxis(homing, 2, z);
    }
  }

  @Override
  public void checkMove(Move move) {
    double[] end = move.endPos;
    double xy2 = end[0] * end[0] + end[1] * end[1];
    if (xy2 > limitXy2) {
      if (limitXy2 < 0) {
        throw move.moveError("Must home axis first");
      }
      throw move.moveError();
    }
    if (move.axesD[2] != 0) {
      if (end[2] < limitZ[0] || end[2] > limitZ[1]) {
        if (limitZ[0] > limitZ[1]) {
          throw move.moveError("Must home axis first");
        }
        throw move.moveError();
      }
      double zRatio = move.moveD / Math.abs(move.axesD[2]);
      move.limitSpeed(maxZVelocity * zRatio, maxZAccel * zRatio);
    }
    if ((move.axesD[0] != 0 || move.axesD[1] != 0) && maxAngularVelocity != 0) {
      // Passing the centre at distance d, speed v turns the bed at v / d radians per second.
      double minDist = distanceToCenter(move.startPos[0], move.startPos[1], end[0], end[1]);
      if (minDist == 0) {
        return; // straight through the centre: the bed does not turn
      }
      double angularVelocity = Math.sqrt(move.maxCruiseV2) / minDist;
      if (maxAngularVelocity < angularVelocity) {
        double scale = maxAngularVelocity / angularVelocity;
        move.limitSpeed(maxVelocity * scale, maxAccel * scale);
      }
    }
  }

  /** The distance from the bed centre to the closest point of the segment p1-p2. */
  static double distanceToCenter(double x1, double y1, double x2, double y2) {
    double abX = x2 - x1;
    double abY = y2 - y1;
    double apX = -x1;
    double apY = -y1;
    double dot = abX * apX + abY * apY;
    double abLength = Math.sqrt(abX * abX + abY * abY);
    if (dot <= 0) {
      return Math.sqrt(apX * apX + apY * apY); // the start is closest
    }
    if (dot >= abLength * abLength) {
      return Math.sqrt(x2 * x2 + y2 * y2); // the end is closest
    }
    return Math.abs(abX * apY - abY * apX) / abLength;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("homed_axes", (limitXy2 >= 0 ? "xy" : "") + (limitZ[0] <= limitZ[1] ? "z" : ""));
    s.put("axis_minimum", axesMin);
    s.put("axis_maximum", axesMax);
    return s;
  }
}
