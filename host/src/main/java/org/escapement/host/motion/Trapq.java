package org.escapement.host.motion;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The queue of timed motion pieces that step generation reads: pieces in time order with no
 * gaps (stationary pieces fill idle time), plus a history of finished pieces for "where was the
 * toolhead at time t" (GET_POSITION, homing, shutdown dumps).
 *
 * <p>The live list always starts with a stationary head (before any motion) and ends with a
 * stationary tail that stays at the last position forever, so a reader walking it never runs
 * off either end.
 */
public final class Trapq {
  /** A time after everything. */
  public static final double NEVER_TIME = 9999999999999999.9;
  /** The first idle filler is at most this long, so times stay small numbers. */
  private static final double MAX_NULL_MOVE = 1.0;

  /** Numbers linked pieces, across all trapqs (a stepper can move to another trapq). */
  private static final AtomicLong SEQ = new AtomicLong();

  private final List<TrapqMove> moves = new ArrayList<>();
  /** Finished pieces, newest first. */
  private final ArrayDeque<TrapqMove> history = new ArrayDeque<>();
  private TrapqMove tail;
  private boolean tailStale;

  public Trapq() {
    TrapqMove head = TrapqMove.stationary(-1.0, 0, 0, 0, 0);
    tail = TrapqMove.stationary(NEVER_TIME, NEVER_TIME, 0, 0, 0);
    head.next = tail;
    tail.prev = head;
    moves.add(head);
    moves.add(tail);
  }

  /** The live pieces: head, motion, tail (do not modify). */
  public List<TrapqMove> moves() {
    updateTail();
    return moves;
  }

  /** Makes the tail start where the last piece ends (after appends). */
  private void updateTail() {
    if (!tailStale) {
      return;
    }
    tailStale = false;
    TrapqMove last = moves.get(moves.size() - 2);
    if (moves.size() == 2) {
      // Nothing queued: the tail keeps the last position, from the end of time.
      tail.printTime = NEVER_TIME;
    } else {
      double t = last.moveT;
      tail.printTime = last.endTime();
      tail.startX = last.x(t);
      tail.startY = last.y(t);
      tail.startZ = last.z(t);
    }
  }

  private void link(TrapqMove m) {
    m.seq = SEQ.incrementAndGet();
    TrapqMove before = moves.get(moves.size() - 2);
    moves.add(moves.size() - 1, m);
    before.next = m;
    m.prev = before;
    m.next = tail;
    tail.prev = m;
  }

  private void add(TrapqMove m) {
    TrapqMove prev = moves.get(moves.size() - 2);
    double prevEnd = prev.printTime + prev.moveT;
    if (prevEnd < m.printTime) {
      double start = prev.printTime <= 0 && m.printTime > MAX_NULL_MOVE
          ? m.printTime - MAX_NULL_MOVE : prevEnd;
      link(TrapqMove.stationary(start, m.printTime - start, m.startX, m.startY, m.startZ));
    }
    link(m);
    tailStale = true;
  }

  /**
   * Adds one toolhead move as its accelerate, cruise and decelerate pieces.
   *
   * @param axesRX unit vector of the move's direction
   */
  public void append(double printTime, double accelT, double cruiseT, double decelT,
      double startX, double startY, double startZ, double axesRX, double axesRY, double axesRZ,
      double startV, double cruiseV, double accel) {
    double t = printTime;
    double x = startX;
    double y = startY;
    double z = startZ;
    if (accelT != 0) {
      TrapqMove m = new TrapqMove(t, accelT, startV, 0.5 * accel, x, y, z, axesRX, axesRY,
          axesRZ);
      add(m);
      t += accelT;
      x = m.x(accelT);
      y = m.y(accelT);
      z = m.z(accelT);
    }
    if (cruiseT != 0) {
      TrapqMove m = new TrapqMove(t, cruiseT, cruiseV, 0, x, y, z, axesRX, axesRY, axesRZ);
      add(m);
      t += cruiseT;
      x = m.x(cruiseT);
      y = m.y(cruiseT);
      z = m.z(cruiseT);
    }
    if (decelT != 0) {
      add(new TrapqMove(t, decelT, cruiseV, -0.5 * accel, x, y, z, axesRX, axesRY, axesRZ));
    }
  }

  /**
   * Moves pieces that end by {@code printTime} to the history, and drops history that ended
   * before {@code clearHistoryTime} (always keeping the newest finished piece).
   */
  public void finalizeMoves(double printTime, double clearHistoryTime) {
    int done = 1;
    while (done < moves.size() - 1 && moves.get(done).endTime() <= printTime) {
      TrapqMove m = moves.get(done);
      if (m.moves()) {
        history.addFirst(m);
      }
      done++;
    }
    if (done > 1) {
      moves.subList(1, done).clear();
      TrapqMove head = moves.get(0);
      head.next = moves.get(1);
      moves.get(1).prev = head;
      tailStale = true;
      if (moves.size() == 2) {
        updateTail();
      }
    }
    while (history.size() > 1 && history.peekLast().endTime() <= clearHistoryTime) {
      history.removeLast();
    }
  }

  /**
   * Jumps to a position (after homing, G92 on the kinematics): everything queued is finished,
   * history after {@code printTime} is cut off, and a marker records the new position.
   */
  public void setPosition(double printTime, double x, double y, double z) {
    finalizeMoves(NEVER_TIME, 0);
    while (!history.isEmpty()) {
      TrapqMove m = history.peekFirst();
      if (m.printTime < printTime) {
        if (m.endTime() > printTime) {
          m.moveT = printTime - m.printTime;
        }
        break;
      }
      history.removeFirst();
    }
    history.addFirst(TrapqMove.stationary(printTime, 0, x, y, z));
  }

  /** Finished pieces overlapping [start, end], newest first, at most {@code max}. */
  public List<TrapqMove> history(double start, double end, int max) {
    List<TrapqMove> out = new ArrayList<>();
    for (Iterator<TrapqMove> it = history.iterator(); it.hasNext() && out.size() < max; ) {
      TrapqMove m = it.next();
      if (m.printTime > end) {
        continue;
      }
      if (m.endTime() < start) {
        break;
      }
      out.add(m);
    }
    return out;
  }

  /** Pieces still queued overlapping [start, end], oldest first. */
  public List<TrapqMove> pending(double start, double end) {
    List<TrapqMove> out = new ArrayList<>();
    for (TrapqMove m : moves().subList(1, moves.size() - 1)) {
      if (m.endTime() >= start && m.printTime <= end && m.moves()) {
        out.add(m);
      }
    }
    return out;
  }

  /** The toolhead position at {@code printTime}, from queued or finished pieces (null: none). */
  public double[] positionAt(double printTime) {
    for (TrapqMove m : moves().subList(1, moves.size() - 1)) {
      if (m.printTime <= printTime && printTime <= m.endTime()) {
        double t = printTime - m.printTime;
        return new double[] {m.x(t), m.y(t), m.z(t)};
      }
    }
    for (TrapqMove m : history) {
      if (m.printTime <= printTime) {
        double t = Math.min(printTime - m.printTime, m.moveT);
        return new double[] {m.x(t), m.y(t), m.z(t)};
      }
    }
    return null;
  }
}
