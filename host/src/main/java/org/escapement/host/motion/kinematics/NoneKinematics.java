package org.escapement.host.motion.kinematics;

import java.util.List;
import java.util.Map;
import org.escapement.host.motion.Coord;
import org.escapement.host.motion.Homing;
import org.escapement.host.motion.Move;
import org.escapement.host.motion.Stepper;

/** {@code kinematics: none}: no steppers, any move allowed (for testing and tooling). */
final class NoneKinematics implements Kinematics {
  @Override
  public List<Stepper> steppers() {
    return List.of();
  }

  @Override
  public double[] calcPosition(Map<String, Double> stepperPositions) {
    return new double[] {0, 0, 0};
  }

  @Override
  public void setPosition(double[] newPos, String homingAxes) {}

  @Override
  public void clearHomingState(String axes) {}

  @Override
  public void home(Homing homing) {}

  @Override
  public void checkMove(Move move) {}

  @Override
  public Map<String, Object> status(double eventtime) {
    Coord zero = new Coord(new double[] {0, 0, 0});
    return Map.of("homed_axes", "", "axis_minimum", zero, "axis_maximum", zero);
  }
}
