package org.escapement.host.motion;

import java.util.ArrayList;
import java.util.List;

/**
 * Moves waiting for their speeds to be planned. Each move's entry speed depends on the moves
 * after it (the head must be able to stop by the end of the queue), so moves are held until
 * enough of them are queued, then planned: a backward pass finds the fastest reachable start
 * speeds, a forward pass fixes cruise speeds and phases. {@code minimum_cruise_ratio} keeps
 * chains of short moves from peaking so high that they spend no time cruising.
 */
final class LookAheadQueue {
  static final double LOOKAHEAD_FLUSH_TIME = 0.150;

  private final List<Move> queue = new ArrayList<>();
  private double junctionFlush = LOOKAHEAD_FLUSH_TIME;

  void reset() {
    queue.clear();
    junctionFlush = LOOKAHEAD_FLUSH_TIME;
  }

  void setFlushTime(double seconds) {
    junctionFlush = seconds;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  Move last() {
    return queue.isEmpty() ? null : queue.get(queue.size() - 1);
  }

  /** @return true when enough motion is queued to plan some of it */
  boolean add(Move move) {
    queue.add(move);
    if (queue.size() == 1) {
      return false;
    }
    move.calcJunction(queue.get(queue.size() - 2));
    junctionFlush -= move.minMoveT;
    return junctionFlush <= 0;
  }

  /**
   * Plans and removes moves. With {@code lazy}, only the moves whose plan can no longer change
   * (those before the last point where the queue could reach full speed and stop again).
   */
  List<Move> flush(boolean lazy) {
    junctionFlush = LOOKAHEAD_FLUSH_TIME;
    boolean updateFlushCount = lazy;
    int flushCount = queue.size();
    double[] startV2s = new double[flushCount];
    double[] cruiseV2s = new double[flushCount];
    double[] nextStartV2s = new double[flushCount];
    boolean[] hasCruise = new boolean[flushCount];
    double nextStartV2 = 0;
    double nextMcrStartV2 = 0;
    double peakCruiseV2 = 0;
    int pendingCruiseAssign = 0;
    for (int i = flushCount - 1; i >= 0; i--) {
      Move move = queue.get(i);
      double reachableStartV2 = nextStartV2 + move.deltaV2;
      double startV2 = Math.min(move.maxStartV2, reachableStartV2);
      pendingCruiseAssign++;
      double reachMcrStartV2 = nextMcrStartV2 + move.mcrDeltaV2;
      double mcrStartV2 = Math.min(move.maxMcrStartV2, reachMcrStartV2);
      if (mcrStartV2 < reachMcrStartV2) {
        // This move can accelerate.
        if (mcrStartV2 + move.mcrDeltaV2 > nextMcrStartV2 || pendingCruiseAssign > 1) {
          // It can both speed up and slow down, or a full speed-up meets a full slow-down:
          // a peak, and everything before it is final.
          if (updateFlushCount && peakCruiseV2 != 0) {
            flushCount = i + pendingCruiseAssign;
            updateFlushCount = false;
          }
          peakCruiseV2 = (mcrStartV2 + reachMcrStartV2) * 0.5;
        }
        cruiseV2s[i] = Math.min(Math.min((startV2 + reachableStartV2) * 0.5, move.maxCruiseV2),
            peakCruiseV2);
        hasCruise[i] = true;
        pendingCruiseAssign = 0;
      }
      startV2s[i] = startV2;
      nextStartV2s[i] = nextStartV2;
      nextStartV2 = startV2;
      nextMcrStartV2 = mcrStartV2;
    }
    if (updateFlushCount || flushCount == 0) {
      return List.of();
    }
    double prevCruiseV2 = 0;
    for (int i = 0; i < flushCount; i++) {
      double cruiseV2 = hasCruise[i] ? cruiseV2s[i] : Math.min(prevCruiseV2, startV2s[i]);
      queue.get(i).setJunction(Math.min(startV2s[i], cruiseV2), cruiseV2,
          Math.min(nextStartV2s[i], cruiseV2));
      prevCruiseV2 = cruiseV2;
    }
    List<Move> res = new ArrayList<>(queue.subList(0, flushCount));
    queue.subList(0, flushCount).clear();
    return res;
  }
}
