package org.escapement.host.motion.kinematics;

import org.escapement.host.motion.TrapqMove;
import org.escapement.host.motion.steps.StepperKinematics;

/**
 * The two XY steppers of a polar printer: the arm moves the head to the distance from the bed
 * centre; the bed turns to the head's angle, in radians. The bed may turn any number of times,
 * so its angle is taken within half a turn of where it stands, and kept within ±π between
 * step batches.
 */
public abstract sealed class PolarStepper extends StepperKinematics {
  private PolarStepper() {
    super(AF_X | AF_Y);
  }

  /** The arm: distance from the centre of the bed. */
  public static PolarStepper radius() {
    return new Radius();
  }

  /** The bed: angle of the head around the centre. */
  public static PolarStepper angle() {
    return new Angle();
  }

  private static final class Radius extends PolarStepper {
    @Override
    public double calcPosition(TrapqMove m, double t) {
      double d = m.distance(t);
      double x = m.startX + m.axesRX * d;
      double y = m.startY + m.axesRY * d;
      return Math.sqrt(x * x + y * y);
    }
  }

  private static final class Angle extends PolarStepper {
    @Override
    public double calcPosition(TrapqMove m, double t) {
      double d = m.distance(t);
      double angle = Math.atan2(m.startY + m.axesRY * d, m.startX + m.axesRX * d);
      double from = commandedPosition();
      if (angle - from > Math.PI) {
        angle -= 2.0 * Math.PI;
      } else if (angle - from < -Math.PI) {
        angle += 2.0 * Math.PI;
      }
      return angle;
    }

    @Override
    protected void afterSteps() {
      double pos = commandedPosition();
      if (pos < -Math.PI) {
        setCommandedPosition(pos + 2 * Math.PI);
      } else if (pos > Math.PI) {
        setCommandedPosition(pos - 2 * Math.PI);
      }
    }
  }
}
