package org.escapement.host.motion.kinematics;

import org.escapement.host.motion.TrapqMove;
import org.escapement.host.motion.steps.StepperKinematics;

/** A cable winch: its position is the cable length from its anchor to the toolhead. */
public final class WinchStepper extends StepperKinematics {
  private final double anchorX;
  private final double anchorY;
  private final double anchorZ;

  public WinchStepper(double anchorX, double anchorY, double anchorZ) {
    super(AF_X | AF_Y | AF_Z);
    this.anchorX = anchorX;
    this.anchorY = anchorY;
    this.anchorZ = anchorZ;
  }

  @Override
  public double calcPosition(TrapqMove m, double t) {
    double d = m.distance(t);
    double dx = anchorX - (m.startX + m.axesRX * d);
    double dy = anchorY - (m.startY + m.axesRY * d);
    double dz = anchorZ - (m.startZ + m.axesRZ * d);
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }
}
