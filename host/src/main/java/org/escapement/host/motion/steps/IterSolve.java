package org.escapement.host.motion.steps;

import java.util.List;
import org.escapement.host.motion.TrapqMove;

/**
 * Finds step times: a stepper steps when its position crosses the middle between two step
 * positions. For each motion piece the solver looks for the next crossing with the secant
 * method inside a bracket (bisecting when a guess leaves it, widening the search exponentially
 * while no bracket is known), to within a nanometre or a nanosecond. Moving back by more than a
 * full step means the direction changed.
 */
public final class IterSolve {
  /** How far ahead to look for the first crossing after a restart. */
  private static final double SEEK_TIME_RESET = 0.000100;
  private static final double POS_EPS = 0.000000001;
  private static final double TIME_EPS = 0.000000001;

  private IterSolve() {}

  /** Steps for {@code sk} in piece {@code m} between two absolute print times. */
  static void generateRange(StepperKinematics sk, StepCompress sc, TrapqMove m,
      double absStart, double absEnd) {
    double halfStep = 0.5 * sk.stepDist;
    double start = Math.max(absStart - m.printTime, 0);
    double end = Math.min(absEnd - m.printTime, m.moveT);
    int dir = sc.stepDir();
    double target = sk.commandedPos + (dir != 0 ? halfStep : -halfStep);
    double oldTime = start;
    double oldPos = sk.commandedPos;
    double curTime = start;
    double curPos = sk.commandedPos;
    boolean dirChange = false;
    boolean bracket = false;
    boolean oscillating = false;
    double lastTime = start;
    double lowTime = start;
    double highTime = Math.min(start + SEEK_TIME_RESET, end);
    while (true) {
      // Secant step from the last two guesses; checked against the bracket below.
      double curDist = curPos - target;
      double oldDist = oldPos - target;
      double next = (oldTime * curDist - curTime * oldDist) / (curDist - oldDist);
      if (!(next > lowTime && next < highTime)) { // also catches NaN
        if (bracket) {
          next = (lowTime + highTime) * 0.5;
          oscillating = false;
        } else if (curTime >= end) {
          break; // no more crossings in this range
        } else {
          next = highTime;
          highTime = Math.min(2 * highTime - lastTime, end);
        }
      }
      oldTime = curTime;
      oldPos = curPos;
      curTime = next;
      curPos = sk.calcPosition(m, next);
      double dist = curPos - target;
      if (Math.abs(dist) > POS_EPS) {
        double rel = dir != 0 ? dist : -dist;
        if (rel > 0) {
          // Past the crossing: it lies between the low bound and here.
          if (bracket && oldTime <= lowTime) {
            if (oscillating) {
              oldTime = curTime; // the secant keeps landing on one side: bisect next
              oldPos = curPos;
            }
            oscillating = true;
          }
          highTime = curTime;
          bracket = true;
        } else if (rel < -(2 * halfStep + 0.000000010)) {
          // A full step the other way: the stepper reversed.
          dir ^= 1;
          target += dir != 0 ? 2 * halfStep : -2 * halfStep;
          lowTime = lastTime;
          highTime = curTime;
          dirChange = true;
          bracket = true;
          oscillating = false;
        } else {
          lowTime = curTime;
        }
        if (!bracket || highTime - lowTime > TIME_EPS) {
          if (!dirChange && rel >= -halfStep) {
            sc.commit(); // the motion reached the last step's position: it is real
          }
          continue;
        }
      }
      // Found the crossing.
      sc.append(dir, m.printTime, curTime);
      target += dir != 0 ? 2 * halfStep : -2 * halfStep;
      double seek = Math.max(1.5 * (curTime - lastTime), TIME_EPS);
      if (dirChange && seek > SEEK_TIME_RESET) {
        seek = SEEK_TIME_RESET;
      }
      lastTime = curTime;
      lowTime = curTime;
      highTime = Math.min(curTime + seek, end);
      dirChange = false;
      bracket = false;
      oscillating = false;
    }
    sk.commandedPos = target - (dir != 0 ? halfStep : -halfStep);
    sk.afterSteps();
  }

  /**
   * Generates every step of {@code sk} up to {@code flushTime}, including the lead-in and
   * run-out windows around its motion, continuing from where the last call stopped.
   */
  public static void generateSteps(StepperKinematics sk, StepCompress sc, double flushTime) {
    double lastFlushTime = sk.lastFlushTime;
    sk.lastFlushTime = flushTime;
    if (sk.trapq == null) {
      return;
    }
    List<TrapqMove> moves = sk.trapq.moves();
    int i = 0;
    while (lastFlushTime >= moves.get(i).endTime()) {
      i++;
    }
    double forceStepsTime = sk.lastMoveTime + sk.genStepsPostActive;
    int skipped = 0;
    while (true) {
      TrapqMove m = moves.get(i);
      double moveStart = m.printTime;
      double moveEnd = moveStart + m.moveT;
      if (sk.isActive(m)) {
        if (skipped > 0 && sk.genStepsPreActive > 0) {
          // Steps leading into this motion start before it (smoothing looks ahead).
          double absStart = Math.max(Math.max(moveStart - sk.genStepsPreActive, lastFlushTime),
              forceStepsTime);
          int p = i - 1;
          while (--skipped > 0 && moves.get(p).printTime > absStart) {
            p--;
          }
          for (; p < i; p++) {
            generateRange(sk, sc, moves.get(p), absStart, flushTime);
          }
        }
        generateRange(sk, sc, m, lastFlushTime, flushTime);
        if (moveEnd >= flushTime) {
          sk.lastMoveTime = flushTime;
          return;
        }
        skipped = 0;
        sk.lastMoveTime = moveEnd;
        forceStepsTime = sk.lastMoveTime + sk.genStepsPostActive;
      } else {
        if (moveStart < forceStepsTime) {
          // Steps running out of the last motion continue a little past it.
          generateRange(sk, sc, m, lastFlushTime, Math.min(forceStepsTime, flushTime));
          skipped = 1;
        } else {
          skipped++;
        }
        if (flushTime + sk.genStepsPreActive <= moveEnd) {
          return;
        }
      }
      i++;
    }
  }

  /**
   * The start of the first piece before {@code flushTime} that moves {@code sk}, or 0 if none
   * (used to enable a stepper's driver just before it first moves).
   */
  public static double checkActive(StepperKinematics sk, double flushTime) {
    if (sk.trapq == null) {
      return 0;
    }
    List<TrapqMove> moves = sk.trapq.moves();
    int i = 0;
    while (sk.lastFlushTime >= moves.get(i).endTime()) {
      i++;
    }
    while (true) {
      TrapqMove m = moves.get(i);
      if (sk.isActive(m)) {
        return m.printTime;
      }
      if (flushTime <= m.endTime()) {
        return 0;
      }
      i++;
    }
  }
}
