package org.escapement.host.motion;

/**
 * One constant-acceleration piece of toolhead motion along a straight line: the position at
 * {@code t} seconds into it is {@code start + axesR * (startV + halfAccel * t) * t}. Toolhead
 * moves become up to three of these (accelerate, cruise, decelerate); idle time between them is
 * filled with stationary pieces so every instant has one.
 */
public final class TrapqMove {
  public double printTime;
  public double moveT;
  public final double startV;
  public final double halfAccel;
  public double startX;
  public double startY;
  public double startZ;
  public final double axesRX;
  public final double axesRY;
  public final double axesRZ;
  /**
   * A number no other linked piece has (set when a trapq links the piece, 0 for its head and
   * tail and for free-standing points): kinematics use it to cache results per piece.
   */
  public long seq;
  /** Neighbours in the trapq (null at its ends): smoothing looks across pieces. */
  public TrapqMove prev;
  public TrapqMove next;

  public TrapqMove(double printTime, double moveT, double startV, double halfAccel,
      double startX, double startY, double startZ, double axesRX, double axesRY,
      double axesRZ) {
    this.printTime = printTime;
    this.moveT = moveT;
    this.startV = startV;
    this.halfAccel = halfAccel;
    this.startX = startX;
    this.startY = startY;
    this.startZ = startZ;
    this.axesRX = axesRX;
    this.axesRY = axesRY;
    this.axesRZ = axesRZ;
  }

  /** A piece that stays at one position. */
  static TrapqMove stationary(double printTime, double moveT, double x, double y, double z) {
    return new TrapqMove(printTime, moveT, 0, 0, x, y, z, 0, 0, 0);
  }

  /** A long stationary piece at one point (to evaluate a kinematics at a coordinate). */
  public static TrapqMove at(double x, double y, double z) {
    return stationary(0, 1000.0, x, y, z);
  }

  /** Distance along the line {@code t} seconds in. */
  public double distance(double t) {
    return (startV + halfAccel * t) * t;
  }

  public double x(double t) {
    return startX + axesRX * distance(t);
  }

  public double y(double t) {
    return startY + axesRY * distance(t);
  }

  public double z(double t) {
    return startZ + axesRZ * distance(t);
  }

  public double endTime() {
    return printTime + moveT;
  }

  /** True when the piece moves at all (stationary fillers and markers do not). */
  public boolean moves() {
    return startV != 0 || halfAccel != 0;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "move: pt=%.6f mt=%.6f sv=%.6f a=%.6f sp=(%.6f, %.6f, %.6f) ar=(%.6f, %.6f, %.6f)",
        printTime, moveT, startV, 2 * halfAccel, startX, startY, startZ, axesRX, axesRY,
        axesRZ);
  }
}
