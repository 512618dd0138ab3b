package org.escapement.host.motion.steps;

import org.escapement.host.motion.Trapq;
import org.escapement.host.motion.TrapqMove;

/**
 * How one stepper's position follows the toolhead: {@link #calcPosition} gives the stepper's
 * position (mm, or radians) at a time inside a motion piece. Each kinematics supplies one per
 * stepper; the solver finds when that position crosses each half step.
 */
public abstract class StepperKinematics {
  /** The stepper moves when the toolhead moves along X (see {@link #activeFlags}). */
  public static final int AF_X = 1;
  public static final int AF_Y = 2;
  public static final int AF_Z = 4;

  double stepDist;
  double commandedPos;
  double lastFlushTime;
  double lastMoveTime;
  Trapq trapq;
  private final int activeFlags;
  double genStepsPreActive;
  double genStepsPostActive;

  /** @param activeFlags the toolhead axes this stepper follows (AF_X | AF_Y ...) */
  protected StepperKinematics(int activeFlags) {
    this.activeFlags = activeFlags;
  }

  /** The stepper's position {@code t} seconds into {@code m}. */
  public abstract double calcPosition(TrapqMove m, double t);

  /** Called after steps were generated for a range (kinematics that track state use it). */
  protected void afterSteps() {}

  public int activeFlags() {
    return activeFlags;
  }

  /** Could {@code m} move this stepper? Pieces along other axes are skipped quickly. */
  boolean isActive(TrapqMove m) {
    return ((activeFlags & AF_X) != 0 && m.axesRX != 0)
        || ((activeFlags & AF_Y) != 0 && m.axesRY != 0)
        || ((activeFlags & AF_Z) != 0 && m.axesRZ != 0);
  }

  public void setTrapq(Trapq trapq, double stepDist) {
    this.trapq = trapq;
    this.stepDist = stepDist;
  }

  public Trapq trapq() {
    return trapq;
  }

  public double stepDist() {
    return stepDist;
  }

  /** The stepper position for a toolhead at (x, y, z). */
  public double calcPositionFromCoord(double x, double y, double z) {
    TrapqMove m = TrapqMove.at(x, y, z);
    return calcPosition(m, 500.0);
  }

  /** Tells the solver the stepper is at the position matching toolhead (x, y, z). */
  public void setPosition(double x, double y, double z) {
    commandedPos = calcPositionFromCoord(x, y, z);
  }

  public double commandedPosition() {
    return commandedPos;
  }

  /** For {@link #afterSteps}: kinematics that wrap around (a rotating bed) renormalise it. */
  protected void setCommandedPosition(double pos) {
    commandedPos = pos;
  }

  /**
   * Steps must also be generated this long before motion that involves this stepper (input
   * shaping and pressure advance smooth over time) and after it.
   */
  public void setGenStepsWindows(double preActive, double postActive) {
    genStepsPreActive = preActive;
    genStepsPostActive = postActive;
  }

  public double genStepsPreActive() {
    return genStepsPreActive;
  }

  public double genStepsPostActive() {
    return genStepsPostActive;
  }
}
