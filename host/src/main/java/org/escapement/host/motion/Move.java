package org.escapement.host.motion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleConsumer;
import org.escapement.host.printer.CommandError;

/**
 * One requested straight move and its plan. Velocities are handled squared ({@code _v2}) so
 * that "how much can speed change over this distance" is {@code 2 * accel * d}. The lookahead
 * sets the junction speeds; {@link #setJunction} then splits the move into accelerate, cruise
 * and decelerate phases.
 */
public final class Move {
  final Toolhead toolhead;
  public final double[] startPos;
  public final double[] endPos;
  public double accel;
  final double junctionDeviation;
  public final boolean isKinematicMove;
  public final double[] axesD;
  public final double[] axesR;
  public final double moveD;
  double minMoveT;
  double maxStartV2;
  public double maxCruiseV2;
  double deltaV2;
  double nextJunctionV2 = 999999999.9;
  double maxMcrStartV2;
  double mcrDeltaV2;
  public double startV;
  public double cruiseV;
  public double endV;
  public double accelT;
  public double cruiseT;
  public double decelT;
  final List<DoubleConsumer> timingCallbacks = new ArrayList<>(0);

  Move(Toolhead toolhead, double[] start, double[] end, double speed) {
    this.toolhead = toolhead;
    this.startPos = start.clone();
    double[] endP = end.clone();
    this.accel = toolhead.maxAccel;
    this.junctionDeviation = toolhead.junctionDeviation;
    double velocity = Math.min(speed, toolhead.maxVelocity);
    int n = start.length;
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = endP[i] - start[i];
    }
    double md = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    double invMoveD;
    boolean kinematic = true;
    if (md < .000000001) {
      // Only the extra axes move: their largest distance is the move's length.
      endP[0] = start[0];
      endP[1] = start[1];
      endP[2] = start[2];
      d[0] = d[1] = d[2] = 0;
      md = 0;
      for (int i = 3; i < n; i++) {
        md = Math.max(md, Math.abs(d[i]));
      }
      invMoveD = md != 0 ? 1.0 / md : 0;
      accel = 99999999.9;
      velocity = speed;
      kinematic = false;
    } else {
      invMoveD = 1.0 / md;
    }
    this.endPos = endP;
    this.axesD = d;
    this.moveD = md;
    this.isKinematicMove = kinematic;
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = d[i] * invMoveD;
    }
    this.axesR = r;
    this.minMoveT = md / velocity;
    this.maxCruiseV2 = velocity * velocity;
    this.deltaV2 = 2.0 * md * accel;
    this.mcrDeltaV2 = 2.0 * md * toolhead.mcrPseudoAccel;
  }

  /** Lowers the move's speed and acceleration (kinematics, extruder limits). */
  public void limitSpeed(double speed, double accelLimit) {
    double speed2 = speed * speed;
    if (speed2 < maxCruiseV2) {
      maxCruiseV2 = speed2;
      minMoveT = moveD / speed;
    }
    accel = Math.min(accel, accelLimit);
    deltaV2 = 2.0 * moveD * accel;
    mcrDeltaV2 = Math.min(mcrDeltaV2, deltaV2);
  }

  /** The next move may start at most at {@code speed}. */
  public void limitNextJunctionSpeed(double speed) {
    nextJunctionV2 = Math.min(nextJunctionV2, speed * speed);
  }

  public CommandError moveError(String msg) {
    return new CommandError(String.format(Locale.ROOT, "%s: %.3f %.3f %.3f [%.3f]", msg,
        endPos[0], endPos[1], endPos[2], endPos.length > 3 ? endPos[3] : 0.0));
  }

  public CommandError moveError() {
    return moveError("Move out of range");
  }

  /**
   * The highest speed this move can start at, from the corner it makes with {@code prev}: a
   * circle through the corner at the configured deviation gives the centripetal speed, capped
   * so the circle touches each move no further than its middle.
   */
  void calcJunction(Move prev) {
    if (!isKinematicMove || !prev.isKinematicMove) {
      return;
    }
    double v2 = Math.min(Math.min(maxCruiseV2, prev.maxCruiseV2),
        Math.min(prev.nextJunctionV2, prev.maxStartV2 + prev.deltaV2));
    List<ExtraAxis> extra = toolhead.extraAxes;
    for (int i = 0; i < extra.size(); i++) {
      v2 = Math.min(v2, extra.get(i).calcJunction(prev, this, i + 3));
    }
    double cosTheta = -(axesR[0] * prev.axesR[0] + axesR[1] * prev.axesR[1]
        + axesR[2] * prev.axesR[2]);
    double sinHalf = Math.sqrt(Math.max(0.5 * (1.0 - cosTheta), 0));
    double cosHalf = Math.sqrt(Math.max(0.5 * (1.0 + cosTheta), 0));
    double oneMinusSinHalf = 1.0 - sinHalf;
    if (oneMinusSinHalf > 0 && cosHalf > 0) {
      double radius = sinHalf / oneMinusSinHalf;
      double moveJd = radius * junctionDeviation * accel;
      double prevJd = radius * prev.junctionDeviation * prev.accel;
      double quarterTanHalf = 0.25 * sinHalf / cosHalf;
      double moveCentripetal = deltaV2 * quarterTanHalf;
      double prevCentripetal = prev.deltaV2 * quarterTanHalf;
      v2 = Math.min(Math.min(v2, Math.min(moveJd, prevJd)),
          Math.min(moveCentripetal, prevCentripetal));
    }
    maxStartV2 = v2;
    maxMcrStartV2 = Math.min(v2, prev.maxMcrStartV2 + prev.mcrDeltaV2);
  }

  /** Splits the move into phases for the given start, cruise and end speeds (squared). */
  void setJunction(double startV2, double cruiseV2, double endV2) {
    double halfInvAccel = 0.5 / accel;
    double accelD = (cruiseV2 - startV2) * halfInvAccel;
    double decelD = (cruiseV2 - endV2) * halfInvAccel;
    double cruiseD = moveD - accelD - decelD;
    startV = Math.sqrt(startV2);
    cruiseV = Math.sqrt(cruiseV2);
    endV = Math.sqrt(endV2);
    accelT = accelD / ((startV + cruiseV) * 0.5);
    cruiseT = cruiseD / cruiseV;
    decelT = decelD / ((endV + cruiseV) * 0.5);
  }

  /** Runs {@code cb} with the print time this move ends at, once it is planned. */
  public void addTimingCallback(DoubleConsumer cb) {
    timingCallbacks.add(cb);
  }

  public double totalTime() {
    return accelT + cruiseT + decelT;
  }
}
