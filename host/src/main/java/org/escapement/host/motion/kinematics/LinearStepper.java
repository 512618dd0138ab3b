package org.escapement.host.motion.kinematics;

import org.escapement.host.motion.TrapqMove;
import org.escapement.host.motion.steps.StepperKinematics;

/**
 * A stepper whose position is a fixed combination of the toolhead's X, Y and Z: cartesian
 * ({@code x}), CoreXY ({@code x + y}, {@code x - y}), CoreXZ and the hybrids.
 */
public final class LinearStepper extends StepperKinematics {
  private final double cx;
  private final double cy;
  private final double cz;

  public LinearStepper(double cx, double cy, double cz) {
    super((cx != 0 ? AF_X : 0) | (cy != 0 ? AF_Y : 0) | (cz != 0 ? AF_Z : 0));
    this.cx = cx;
    this.cy = cy;
    this.cz = cz;
  }

  /** The stepper of one cartesian axis ('x', 'y' or 'z'). */
  public static LinearStepper axis(char axis) {
    return switch (axis) {
      case 'x' -> new LinearStepper(1, 0, 0);
      case 'y' -> new LinearStepper(0, 1, 0);
      case 'z' -> new LinearStepper(0, 0, 1);
      default -> throw new IllegalArgumentException("axis " + axis);
    };
  }

  @Override
  public double calcPosition(TrapqMove m, double t) {
    double d = m.distance(t);
    double p = 0;
    if (cx != 0) {
      p = cx == 1 ? m.startX + m.axesRX * d : cx * (m.startX + m.axesRX * d);
    }
    if (cy != 0) {
      double y = m.startY + m.axesRY * d;
      p = cx == 0 ? cy * y : (cy == 1 ? p + y : cy == -1 ? p - y : p + cy * y);
    }
    if (cz != 0) {
      double z = m.startZ + m.axesRZ * d;
      p = cx == 0 && cy == 0 ? cz * z : (cz == 1 ? p + z : cz == -1 ? p - z : p + cz * z);
    }
    return p;
  }
}
