package org.escapement.host.motion.kinematics;

import org.escapement.host.motion.TrapqMove;
import org.escapement.host.motion.steps.StepperKinematics;

/**
 * A deltesian pillar's carriage: its arm swings in the XZ plane from a pivot {@code armX} to
 * the side of the effector, so the carriage stands {@code sqrt(arm² - dx²)} above it.
 */
public final class DeltesianStepper extends StepperKinematics {
  private final double arm2;
  private final double armX;

  public DeltesianStepper(double arm2, double armX) {
    super(AF_X | AF_Z);
    this.arm2 = arm2;
    this.armX = armX;
  }

  @Override
  public double calcPosition(TrapqMove m, double t) {
    double d = m.distance(t);
    double dx = (m.startX + m.axesRX * d) - armX;
    return Math.sqrt(arm2 - dx * dx) + (m.startZ + m.axesRZ * d);
  }
}
