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
 * A linear delta: three vertical towers (stepper_a, _b, _c) around the bed, each carriage
 * joined to the effector by an arm of fixed length. All towers home together, up to their
 * endstops. The build volume is a cylinder of the print radius, tapering to a cone near the
 * top; near the towers small XY moves need large carriage moves, so moves out there are
 * slowed down.
 */
final class DeltaKinematics implements Kinematics {
  /** Moves slow down once a carriage would move this many times faster than the head. */
  static final double SLOW_RATIO = 3.0;
  private static final System.Logger LOG = System.getLogger("kinematics");

  private final List<Rail> rails;
  private final double maxVelocity;
  private final double maxAccel;
  private final double maxZVelocity;
  private final double maxZAccel;
  private final double radius;
  private final double[] arm2 = new double[3];
  private final double minArmLength;
  private final double[][] towers = new double[3][];
  private final double[] homePosition;
  private final double maxZ;
  private final double minZ;
  /** Above this height the reachable radius shrinks (the arms approach vertical). */
  private final double limitZ;
  private final double slowXy2;
  private final double verySlowXy2;
  private final double maxXy2;
  private final Coord axesMin;
  private final Coord axesMax;
  private final DeltaCalibration calibration;
  private boolean needHome = true;
  /** XY moves within this squared radius need no checks (set after a checked move). */
  private double limitXy2 = -1;

  DeltaKinematics(Toolhead th, ConfigSection printer) {
    Config config = KinematicsSetup.config(th);
    ConfigSection[] sections = new ConfigSection[3];
    Rail[] r = new Rail[3];
    Double endstopA = null;
    for (int i = 0; i < 3; i++) {
      sections[i] = config.section("stepper_" + "abc".charAt(i));
      r[i] = Rail.lookup(th.printer(), config, sections[i].name(), true, false, endstopA,
          false);
      endstopA = r[0].homingInfo().positionEndstop();
    }
    rails = List.of(r);
    maxVelocity = th.maxVelocity();
    maxAccel = th.maxAccel();
    maxZVelocity = printer.getFloat("max_z_velocity", maxVelocity,
        Bounds.above(0).andMax(maxVelocity));
    maxZAccel = printer.getFloat("max_z_accel", maxAccel, Bounds.above(0).andMax(maxAccel));
    radius = KinematicsSetup.finite(printer, "delta_radius",
        printer.getFloat("delta_radius", null, Bounds.above(0)));
    double printRadius = KinematicsSetup.finite(printer, "print_radius",
        printer.getFloat("print_radius", radius, Bounds.above(0)));
    double armA = sections[0].getFloat("arm_length", null, Bounds.above(radius));
    double[] arms = new double[3];
    double[] angles = new double[3];
    double[] defaultAngles = {210.0, 330.0, 90.0};
    for (int i = 0; i < 3; i++) {
      arms[i] = KinematicsSetup.finite(sections[i], "arm_length",
          sections[i].getFloat("arm_length", armA, Bounds.above(radius)));
      arm2[i] = arms[i] * arms[i];
    }
    double[] absEndstops = new double[3];
    for (int i = 0; i < 3; i++) {
      absEndstops[i] = r[i].homingInfo().positionEndstop() + Math.sqrt(arm2[i]
          - radius * radius);
    }
    for (int i = 0; i < 3; i++) {
      angles[i] = KinematicsSetup.finite(sections[i], "angle",
          sections[i].getFloat("angle", defaultAngles[i]));
      double a = Math.toRadians(angles[i]);
      towers[i] = new double[] {Math.cos(a) * radius, Math.sin(a) * radius};
    }
    if (!Trilateration.independent(new double[][] {{towers[0][0], towers[0][1], 0},
        {towers[1][0], towers[1][1], 0}, {towers[2][0], towers[2][1], 0}})) {
      throw new ConfigError(String.format(Locale.ROOT, "Delta tower angles %s, %s, %s"
          + " (option 'angle' in sections 'stepper_a', 'stepper_b', 'stepper_c') put the"
          + " towers on one line: they must be three distinct directions", fmt(angles[0]),
          fmt(angles[1]), fmt(angles[2])));
    }
    for (int i = 0; i < 3; i++) {
      int k = i;
      KinematicsSetup.attach(th, r[k], () -> new DeltaStepper(arm2[k], towers[k][0],
          towers[k][1]));
    }
    homePosition = actuatorToCartesian(absEndstops);
    double[] endstops = new double[3];
    double[] stepDists = new double[3];
    for (int i = 0; i < 3; i++) {
      endstops[i] = r[i].homingInfo().positionEndstop();
      stepDists[i] = r[i].steppers().get(0).stepDist();
    }
    calibration = new DeltaCalibration(radius, angles, arms, endstops, stepDists);
    double mz = Double.MAX_VALUE;
    for (Rail rail : rails) {
      mz = Math.min(mz, rail.homingInfo().positionEndstop());
    }
    maxZ = mz;
    minZ = KinematicsSetup.optionalFloat(printer, "minimum_z_position", 0.0, Bounds.max(maxZ));
    double lz = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      lz = Math.min(lz, absEndstops[i] - arms[i]);
    }
    limitZ = lz;
    minArmLength = Math.min(arms[0], Math.min(arms[1], arms[2]));
    LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT,
        "Delta max build height %.2fmm (radius tapered above %.2fmm)", maxZ, limitZ));
    double halfMinStepDist = Double.MAX_VALUE;
    for (Rail rail : rails) {
      halfMinStepDist = Math.min(halfMinStepDist, rail.steppers().get(0).stepDist() * .5);
    }
    slowXy2 = square(ratioToXy(SLOW_RATIO, halfMinStepDist));
    verySlowXy2 = square(ratioToXy(2 * SLOW_RATIO, halfMinStepDist));
    maxXy2 = square(Math.min(printRadius, Math.min(minArmLength - radius,
        ratioToXy(4 * SLOW_RATIO, halfMinStepDist))));
    double maxXy = Math.sqrt(maxXy2);
    LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT,
        "Delta max build radius %.2fmm (moves slowed past %.2fmm and %.2fmm)", maxXy,
        Math.sqrt(slowXy2), Math.sqrt(verySlowXy2)));
    axesMin = new Coord(new double[] {-maxXy, -maxXy, minZ});
    axesMax = new Coord(new double[] {maxXy, maxXy, maxZ});
    setPosition(new double[] {0, 0, 0}, "");
  }

  /**
   * The distance from the centre at which a carriage moves {@code ratio} times as far as the
   * head does along the line to its tower (with half a step of slack).
   */
  private double ratioToXy(double ratio, double halfMinStepDist) {
    return ratio * Math.sqrt(minArmLength * minArmLength / (ratio * ratio + 1.0)
        - halfMinStepDist * halfMinStepDist) + halfMinStepDist - radius;
  }

  private static double square(double v) {
    return v * v;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : Double.toString(v);
  }

  private double[] actuatorToCartesian(double[] carriage) {
    double[][] spheres = new double[3][];
    for (int i = 0; i < 3; i++) {
      spheres[i] = new double[] {towers[i][0], towers[i][1], carriage[i]};
    }
    return Trilateration.solve(spheres, arm2);
  }

  @Override
  public List<Stepper> steppers() {
    return KinematicsSetup.steppersOf(rails);
  }

  @Override
  public double[] calcPosition(Map<String, Double> stepperPositions) {
    double[] carriage = new double[3];
    for (int i = 0; i < 3; i++) {
      carriage[i] = stepperPositions.get(rails.get(i).name());
    }
    return actuatorToCartesian(carriage);
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
    // The towers only home together: clearing any axis clears all.
    if (!axes.isEmpty()) {
      limitXy2 = -1;
      needHome = true;
    }
  }

  @Override
  public void home(Homing homing) {
    homing.setAxes(List.of(0, 1, 2));
    // Start far enough below that every carriage reaches its endstop.
    double maxArm2 = Math.max(arm2[0], Math.max(arm2[1], arm2[2]));
    Double[] forcePos = {homePosition[0], homePosition[1], -1.5 * Math.sqrt(maxArm2 - maxXy2),
        null};
    Double[] homePos = {homePosition[0], homePosition[1], homePosition[2], null};
    homing.homeRails(rails, forcePos, homePos);
  }

  @Override
  public void checkMove(Move move) {
    double[] end = move.endPos;
    double endXy2 = end[0] * end[0] + end[1] * end[1];
    if (endXy2 <= limitXy2 && move.axesD[2] == 0) {
      return; // an XY move inside the area already known to be fine
    }
    if (needHome) {
      throw move.moveError("Must home first");
    }
    double endZ = end[2];
    double limit = maxXy2;
    if (endZ > limitZ) {
      // Near the top the arms stand steep: the reachable radius narrows to a cone.
      double aboveZLimit = endZ - limitZ;
      double allowedRadius = radius - Math.sqrt(minArmLength * minArmLength
          - square(minArmLength - aboveZLimit));
      limit = Math.min(limit, allowedRadius * allowedRadius);
    }
    if (endXy2 > limit || endZ > maxZ || endZ < minZ) {
      // Out of range, unless it is the move up to the endstops while homing.
      if (end[0] != homePosition[0] || end[1] != homePosition[1] || endZ < minZ
          || endZ > homePosition[2]) {
        throw move.moveError();
      }
      limit = -1;
    }
    if (move.axesD[2] != 0) {
      double zRatio = move.moveD / Math.abs(move.axesD[2]);
      move.limitSpeed(maxZVelocity * zRatio, maxZAccel * zRatio);
      limit = -1;
    }
    // Near the towers a carriage moves several times faster than the head: slow down.
    double extremeXy2 = Math.max(endXy2, move.startPos[0] * move.startPos[0]
        + move.startPos[1] * move.startPos[1]);
    if (extremeXy2 > slowXy2) {
      double r = extremeXy2 > verySlowXy2 ? 0.25 : 0.5;
      move.limitSpeed(maxVelocity * r, maxAccel * r);
      limit = -1;
    }
    limitXy2 = Math.min(limit, slowXy2);
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("homed_axes", needHome ? "" : "xyz");
    s.put("axis_minimum", axesMin);
    s.put("axis_maximum", axesMax);
    s.put("cone_start_z", limitZ);
    return s;
  }

  /** The geometry, for DELTA_CALIBRATE. */
  DeltaCalibration calibration() {
    return calibration;
  }

  /** Where the head stands when every carriage is at its endstop. */
  double[] homePosition() {
    return homePosition.clone();
  }
}
