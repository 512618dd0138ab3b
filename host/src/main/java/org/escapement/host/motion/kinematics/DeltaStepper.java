package org.escapement.host.motion.kinematics;

import org.escapement.host.motion.TrapqMove;
import org.escapement.host.motion.steps.StepperKinematics;

/**
 * A delta tower's carriage: an arm of fixed length joins it to the effector, so the carriage
 * stands {@code sqrt(arm² - horizontal distance²)} above the effector's height.
 */
public final class DeltaStepper extends StepperKinematics {
  private final double arm2;
  private final double towerX;
  private final double towerY;

  public DeltaStepper(double arm2, double towerX, double towerY) {
    super(AF_X | AF_Y | AF_Z);
    this.arm2 = arm2;
    this.towerX = towerX;
    this.towerY = towerY;
  }

  @Override
  public double calcPosition(TrapqMove m, double t) {
    double d = m.distance(t);
    double dx = towerX - (m.startX + m.axesRX * d);
    double dy = towerY - (m.startY + m.axesRY * d);
    return Math.sqrt(arm2 - dx * dx - dy * dy) + (m.startZ + m.axesRZ * d);
  }
}
