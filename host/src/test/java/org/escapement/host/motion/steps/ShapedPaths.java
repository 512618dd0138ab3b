package org.escapement.host.motion.steps;

import org.escapement.host.motion.Trapq;
import org.escapement.host.motion.TrapqMove;
import org.escapement.host.motion.kinematics.LinearStepper;

/** Trapezoidal moves on a trapq, and the X position a (shaped) stepper makes of them. */
final class ShapedPaths {
  final Trapq trapq = new Trapq();
  double time = 1.0;
  double x;
  double y;
  /** Start of the first move and end of the last. */
  final double start = 1.0;

  /** A move to (toX, toY) starting and ending at rest, at most {@code v} mm/s. */
  ShapedPaths moveTo(double toX, double toY, double v, double accel) {
    double dx = toX - x;
    double dy = toY - y;
    double dist = Math.hypot(dx, dy);
    double cruiseV = Math.min(v, Math.sqrt(dist * accel));
    double accelT = cruiseV / accel;
    double cruiseT = (dist - cruiseV * accelT) / cruiseV;
    trapq.append(time, accelT, cruiseT, accelT, x, y, 0, dx / dist, dy / dist, 0, 0, cruiseV,
        accel);
    time += 2 * accelT + cruiseT;
    x = toX;
    y = toY;
    return this;
  }

  ShapedPaths pause(double seconds) {
    time += seconds;
    return this;
  }

  /** The X stepper of a cartesian printer, shaped by {@code shaper} on X (null: unshaped). */
  static StepperKinematics xStepper(Shapers.Shaper shaper) {
    StepperKinematics x = LinearStepper.axis('x');
    if (shaper == null) {
      return x;
    }
    InputShaperKinematics isk = new InputShaperKinematics(x);
    if (!isk.setShaper(0, shaper)) {
      throw new IllegalArgumentException("shaper not usable");
    }
    return isk;
  }

  /** What {@code k} makes of the trapq at print time {@code t}. */
  double position(StepperKinematics k, double t) {
    for (TrapqMove m : trapq.moves()) {
      if (t >= m.printTime && t < m.printTime + m.moveT) {
        return k.calcPosition(m, t - m.printTime);
      }
    }
    throw new IllegalArgumentException("no piece at " + t);
  }
}
