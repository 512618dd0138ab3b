package org.escapement.host.motion.kinematics;

import org.escapement.host.motion.TrapqMove;
import org.escapement.host.motion.steps.StepperKinematics;

/**
 * A rotary delta's shoulder motor: the upper arm turns in a vertical plane and a lower arm of
 * fixed length joins its elbow to the effector. The position is the upper arm's angle
 * (radians), from the elbow lying on both the upper arm's circle and the lower arm's sphere.
 */
public final class RotaryDeltaStepper extends StepperKinematics {
  private final double cos;
  private final double sin;
  private final double shoulderRadius;
  private final double shoulderHeight;
  private final double upperArm2;
  private final double lowerArm2;

  /** @param angle the shoulder's direction around the centre (radians) */
  public RotaryDeltaStepper(double shoulderRadius, double shoulderHeight, double angle,
      double upperArm, double lowerArm) {
    super(AF_X | AF_Y | AF_Z);
    this.cos = Math.cos(angle);
    this.sin = Math.sin(angle);
    this.shoulderRadius = shoulderRadius;
    this.shoulderHeight = shoulderHeight;
    this.upperArm2 = upperArm * upperArm;
    this.lowerArm2 = lowerArm * lowerArm;
  }

  @Override
  public double calcPosition(TrapqMove m, double t) {
    double d = m.distance(t);
    double x = m.startX + m.axesRX * d;
    double y = m.startY + m.axesRY * d;
    double z = m.startZ + m.axesRZ * d;
    // In the shoulder's frame: the upper arm turns in its (sx, sy) plane; sz is across it.
    double sz = y * cos - x * sin;
    double sx = x * cos + y * sin - shoulderRadius;
    double sy = z - shoulderHeight;
    return elbowAngle(sx, sy, upperArm2, lowerArm2 - sz * sz);
  }

  /**
   * The upper arm's angle when the effector is at (dx, dy) in the arm's plane: the elbow is on
   * the circle of radius upper arm around the shoulder and of radius (lower arm projected into
   * the plane) around the effector. Subtracting the circle equations gives a line
   * {@code ey = c1 - c2·ex}; the outer intersection of that line with the upper arm's circle
   * is the elbow.
   */
  static double elbowAngle(double dx, double dy, double upperArm2, double lowerArm2) {
    double invDy = 1.0 / dy;
    double c1 = .5 * invDy * (dx * dx + dy * dy + upperArm2 - lowerArm2);
    double c2 = dx * invDy;
    // Scaled by (c2² + 1) to avoid a division.
    double scale = c2 * c2 + 1.0;
    double elbowX = c1 * c2 + Math.sqrt(scale * upperArm2 - c1 * c1);
    double elbowY = c1 * scale - c2 * elbowX;
    return Math.atan2(elbowY, elbowX);
  }
}
