package org.escapement.host.motion.kinematics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.motion.Coord;
import org.escapement.host.motion.Homing;
import org.escapement.host.motion.Move;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.Toolhead;

/**
 * A cable robot: three or more winches (stepper_a, stepper_b, ... up to stepper_z) pull the
 * toolhead towards their anchors. There are no endstops: G28 just declares the current
 * position to be 0,0,0, and moves are not range checked (as in Klipper).
 */
final class WinchKinematics implements Kinematics {
  private final List<Stepper> steppers = new ArrayList<>();
  private final List<double[]> anchors = new ArrayList<>();
  private final Coord axesMin;
  private final Coord axesMax;

  WinchKinematics(Toolhead th, ConfigSection printer) {
    Config config = KinematicsSetup.config(th);
    for (int i = 0; i < 26; i++) {
      String name = "stepper_" + (char) ('a' + i);
      if (i >= 3 && !config.hasSection(name)) {
        break;
      }
      ConfigSection section = config.section(name);
      Stepper s = Stepper.fromConfig(th.printer(), section, false);
      double[] anchor = new double[3];
      for (int k = 0; k < 3; k++) {
        String option = "anchor_" + "xyz".charAt(k);
        anchor[k] = KinematicsSetup.finite(section, option, section.getFloat(option));
      }
      steppers.add(s);
      anchors.add(anchor);
      KinematicsSetup.attach(th, s, new WinchStepper(anchor[0], anchor[1], anchor[2]));
    }
    if (!Trilateration.independent(anchors.subList(0, 3).toArray(new double[0][]))) {
      throw new ConfigError(String.format(Locale.ROOT, "The anchors of stepper_a, stepper_b"
          + " and stepper_c (options 'anchor_x', 'anchor_y', 'anchor_z') lie on one line:"
          + " the toolhead position cannot be found from their cable lengths"));
    }
    double[] min = new double[3];
    double[] max = new double[3];
    for (int k = 0; k < 3; k++) {
      min[k] = Double.MAX_VALUE;
      max[k] = -Double.MAX_VALUE;
      for (double[] a : anchors) {
        min[k] = Math.min(min[k], a[k]);
        max[k] = Math.max(max[k], a[k]);
      }
    }
    axesMin = new Coord(min);
    axesMax = new Coord(max);
    setPosition(new double[] {0, 0, 0}, "");
  }

  @Override
  public List<Stepper> steppers() {
    return List.copyOf(steppers);
  }

  @Override
  public double[] calcPosition(Map<String, Double> stepperPositions) {
    // The first three cables fix the position; any others follow from it.
    double[] length2 = new double[3];
    for (int i = 0; i < 3; i++) {
      double l = stepperPositions.get(steppers.get(i).name());
      length2[i] = l * l;
    }
    return Trilateration.solve(anchors.subList(0, 3).toArray(new double[0][]), length2);
  }

  @Override
  public void setPosition(double[] newPos, String homingAxes) {
    for (Stepper s : steppers) {
      s.setPosition(newPos);
    }
  }

  @Override
  public void clearHomingState(String axes) {}

  @Override
  public void home(Homing homing) {
    homing.setAxes(List.of(0, 1, 2));
    homing.setHomedPosition(new Double[] {0.0, 0.0, 0.0});
  }

  @Override
  public void checkMove(Move move) {}

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("homed_axes", "xyz");
    s.put("axis_minimum", axesMin);
    s.put("axis_maximum", axesMax);
    return s;
  }
}
