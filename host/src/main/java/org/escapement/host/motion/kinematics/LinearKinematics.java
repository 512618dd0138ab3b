package org.escapement.host.motion.kinematics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.modules.ConfigFileStatus;
import org.escapement.host.motion.Coord;
import org.escapement.host.motion.Homing;
import org.escapement.host.motion.Move;
import org.escapement.host.motion.Rail;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.Printer;

/**
 * Kinematics where each stepper is a fixed sum of X, Y, Z: cartesian, CoreXY, CoreXZ and the
 * hybrids. Each axis homes on its own rail (for CoreXY, the other motor's steppers stop too,
 * as both move the carriage). Moves along Z are limited to max_z_velocity / max_z_accel.
 */
final class LinearKinematics implements Kinematics {
  /** Rails x, y, z; {@code coeffs[i]} gives rail i's stepper position as a sum of x, y, z. */
  private final Rail[] rails;
  private final double[][] inverse;
  private final double maxZVelocity;
  private final double maxZAccel;
  private final double[][] limits = {{1, -1}, {1, -1}, {1, -1}};
  private final Coord axesMin;
  private final Coord axesMax;

  static LinearKinematics cartesian(Toolhead th, ConfigSection printer) {
    return new LinearKinematics(th, printer, true,
        new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
        new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, new int[][] {});
  }

  static LinearKinematics corexy(Toolhead th, ConfigSection printer) {
    return new LinearKinematics(th, printer, true,
        new double[][] {{1, 1, 0}, {1, -1, 0}, {0, 0, 1}},
        new double[][] {{0.5, 0.5, 0}, {0.5, -0.5, 0}, {0, 0, 1}},
        new int[][] {{1, 0}, {0, 1}});
  }

  static LinearKinematics corexz(Toolhead th, ConfigSection printer) {
    return new LinearKinematics(th, printer, true,
        new double[][] {{1, 0, 1}, {0, 1, 0}, {1, 0, -1}},
        new double[][] {{0.5, 0, 0.5}, {0, 1, 0}, {0.5, 0, -0.5}},
        new int[][] {{2, 0}, {0, 2}});
  }

  static LinearKinematics hybridCorexy(Toolhead th, ConfigSection printer) {
    return new LinearKinematics(th, printer, false,
        new double[][] {{1, -1, 0}, {0, 1, 0}, {0, 0, 1}},
        new double[][] {{1, 1, 0}, {0, 1, 0}, {0, 0, 1}}, new int[][] {{0, 1}});
  }

  static LinearKinematics hybridCorexz(Toolhead th, ConfigSection printer) {
    return new LinearKinematics(th, printer, false,
        new double[][] {{1, 0, -1}, {0, 1, 0}, {0, 0, 1}},
        new double[][] {{1, 0, 1}, {0, 1, 0}, {0, 0, 1}}, new int[][] {{0, 2}});
  }

  /**
   * @param multi [stepper_x1]... add steppers to a rail
   * @param coeffs stepper position of each rail as coefficients of x, y, z
   * @param inverse toolhead x, y, z as coefficients of the rails' positions
   * @param sharedEndstops {from, to}: rail from's steppers also stop on rail to's endstop
   */
  private LinearKinematics(Toolhead th, ConfigSection printerSection, boolean multi,
      double[][] coeffs, double[][] inverse, int[][] sharedEndstops) {
    Printer printer = th.printer();
    Config config = printer.lookupObject("configfile", ConfigFileStatus.class).config();
    if (config.hasSection("dual_carriage")) {
      throw new ConfigError("Section 'dual_carriage' is not supported yet");
    }
    this.inverse = inverse;
    rails = new Rail[3];
    for (int i = 0; i < 3; i++) {
      rails[i] = Rail.lookup(printer, config, "stepper_" + "xyz".charAt(i), multi, true, null,
          false);
    }
    for (int[] se : sharedEndstops) {
      for (Stepper s : rails[se[0]].steppers()) {
        rails[se[1]].endstops().get(0).endstop().addStepper(s);
      }
    }
    for (int i = 0; i < 3; i++) {
      double[] c = coeffs[i];
      rails[i].setupKinematics(() -> new LinearStepper(c[0], c[1], c[2]));
    }
    for (Stepper s : steppers()) {
      s.setTrapq(th.trapq());
    }
    maxZVelocity = printerSection.getFloat("max_z_velocity", th.maxVelocity(),
        Bounds.above(0).andMax(th.maxVelocity()));
    maxZAccel = printerSection.getFloat("max_z_accel", th.maxAccel(),
        Bounds.above(0).andMax(th.maxAccel()));
    axesMin = new Coord(new double[] {rails[0].range()[0], rails[1].range()[0],
        rails[2].range()[0]});
    axesMax = new Coord(new double[] {rails[0].range()[1], rails[1].range()[1],
        rails[2].range()[1]});
  }

  @Override
  public List<Stepper> steppers() {
    List<Stepper> out = new ArrayList<>();
    for (Rail r : rails) {
      out.addAll(r.steppers());
    }
    return out;
  }

  @Override
  public double[] calcPosition(Map<String, Double> pos) {
    double[] p = {pos.get(rails[0].name()), pos.get(rails[1].name()), pos.get(rails[2].name())};
    double[] out = new double[3];
    for (int i = 0; i < 3; i++) {
      double v = 0;
      for (int j = 0; j < 3; j++) {
        if (inverse[i][j] != 0) {
          v = inverse[i][j] == 1 && v == 0 ? p[j] : v + inverse[i][j] * p[j];
        }
      }
      out[i] = v;
    }
    return out;
  }

  @Override
  public void setPosition(double[] newPos, String homingAxes) {
    for (int i = 0; i < 3; i++) {
      rails[i].setPosition(newPos);
      if (homingAxes.indexOf("xyz".charAt(i)) >= 0) {
        limits[i] = rails[i].range();
      }
    }
  }

  @Override
  public void clearHomingState(String axes) {
    for (int i = 0; i < 3; i++) {
      if (axes.indexOf("xyz".charAt(i)) >= 0) {
        limits[i] = new double[] {1, -1};
      }
    }
  }

  @Override
  public void home(Homing homing) {
    // Each axis homes on its own, in order.
    for (int axis : homing.axes()) {
      Rail rail = rails[axis];
      double[] range = rail.range();
      Rail.HomingInfo hi = rail.homingInfo();
      Double[] homePos = new Double[4];
      homePos[axis] = hi.positionEndstop();
      Double[] forcePos = homePos.clone();
      if (hi.positiveDir()) {
        forcePos[axis] = forcePos[axis] - 1.5 * (hi.positionEndstop() - range[0]);
      } else {
        forcePos[axis] = forcePos[axis] + 1.5 * (range[1] - hi.positionEndstop());
      }
      homing.homeRails(List.of(rail), forcePos, homePos);
    }
  }

  private void checkEndstops(Move move) {
    double[] end = move.endPos;
    for (int i = 0; i < 3; i++) {
      if (move.axesD[i] != 0 && (end[i] < limits[i][0] || end[i] > limits[i][1])) {
        if (limits[i][0] > limits[i][1]) {
          throw move.moveError("Must home axis first");
        }
        throw move.moveError();
      }
    }
  }

  @Override
  public void checkMove(Move move) {
    double x = move.endPos[0];
    double y = move.endPos[1];
    if (x < limits[0][0] || x > limits[0][1] || y < limits[1][0] || y > limits[1][1]) {
      checkEndstops(move);
    }
    if (move.axesD[2] == 0) {
      return; // an XY move: the default limits apply
    }
    checkEndstops(move);
    double zRatio = move.moveD / Math.abs(move.axesD[2]);
    move.limitSpeed(maxZVelocity * zRatio, maxZAccel * zRatio);
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    StringBuilder homed = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      if (limits[i][0] <= limits[i][1]) {
        homed.append("xyz".charAt(i));
      }
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("homed_axes", homed.toString());
    s.put("axis_minimum", axesMin);
    s.put("axis_maximum", axesMax);
    return s;
  }
}
