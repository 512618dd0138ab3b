package org.escapement.host.motion.steps;

/**
 * Finds the queue_step reaching furthest by searching over {@code add}: for one add value the
 * valid intervals after k steps form a range that only narrows, so the longest run is one scan;
 * where the run breaks (a step came too early or too late for every interval left) says
 * whether a larger or smaller add could go further. Two quadratic sequences that both stay in
 * windows of width e over k steps differ in add by at most about 11.7 e / k^2, which bounds
 * the search around any good candidate.
 */
public final class BisectCompressor implements Compressor {
  /** (6 + 4 sqrt 2), rounded down: the quadratic-deviation factor. */
  private static final int QUADRATIC_DEV = 11;
  private final int maxError;

  public BisectCompressor(int maxErrorTicks) {
    this.maxError = maxErrorTicks;
  }

  private static int divUp(long n, long d) {
    return (int) Math.floorDiv(n + d - 1, d);
  }

  private static int divDown(long n, long d) {
    return (int) Math.floorDiv(n, d);
  }

  @Override
  public StepSequence next(Windows w) {
    int limit = Math.min(w.size(), 65535);
    int outerLo = w.minp(0);
    int outerHi = w.maxp(0);
    int add = 0;
    int minAdd = Short.MIN_VALUE;
    int maxAdd = Short.MAX_VALUE;
    int bestInterval = 0;
    int bestCount = 1;
    int bestAdd = 0;
    long bestReach = Long.MIN_VALUE;
    int zeroInterval = 0;
    int zeroCount = 0;
    while (true) {
      // The longest run this add allows, narrowing the valid interval range step by step.
      int lo = outerLo;
      int hi = outerHi;
      int interval = hi;
      int k = 1;
      int failLo = lo;
      int failHi = hi;
      boolean ranOut = false;
      while (true) {
        k++;
        if (k > limit) {
          ranOut = true;
          break;
        }
        long addTerm = (long) add * k * (k - 1) / 2;
        int nlo = Math.max(lo, divUp(w.minp(k - 1) - addTerm, k));
        int nhi = Math.min(hi, divDown(w.maxp(k - 1) - addTerm, k));
        if (nlo > nhi) {
          failLo = nlo;
          failHi = nhi;
          break;
        }
        lo = nlo;
        hi = nhi;
        interval = hi;
      }
      int count = k - 1;
      if (ranOut) {
        // Every pending step fits: nothing can do better.
        return shorterAdd(w, new StepSequence(interval, count, add));
      }
      long reach = (long) add * count * (count - 1) / 2 + (long) interval * count;
      if (reach > bestReach || (reach == bestReach && interval > bestInterval)) {
        bestInterval = interval;
        bestCount = count;
        bestAdd = add;
        bestReach = reach;
        if (add == 0) {
          zeroInterval = interval;
          zeroCount = count;
        }
        if (count > 0x200) {
          break; // long enough that another add cannot win by much; also keeps ints small
        }
      }
      // Was the step that broke the run too early or too late for this add?
      long nextFactor = (long) k * (k - 1) / 2;
      long nextReach = add * nextFactor + (long) interval * k;
      int breakMin = w.minp(k - 1);
      int breakMax = w.maxp(k - 1);
      if (nextReach < breakMin) {
        minAdd = add + 1;
        outerHi = failHi;
      } else {
        maxAdd = add - 1;
        outerLo = failLo;
      }
      if (count > 1) {
        int errDelta = (int) ((long) maxError * QUADRATIC_DEV / ((long) count * count));
        minAdd = Math.max(minAdd, add - errDelta);
        maxAdd = Math.min(maxAdd, add + errDelta);
      }
      // The breaking step also bounds add directly, given the interval range.
      long c = (long) outerHi * k;
      if ((long) minAdd * nextFactor < breakMin - c) {
        minAdd = divUp(breakMin - c, nextFactor);
      }
      c = (long) outerLo * k;
      if ((long) maxAdd * nextFactor > breakMax - c) {
        maxAdd = divDown(breakMax - c, nextFactor);
      }
      if (minAdd > maxAdd) {
        break;
      }
      add = maxAdd - (maxAdd - minAdd) / 4;
    }
    if (zeroCount + zeroCount / 16 >= bestCount) {
      return new StepSequence(zeroInterval, zeroCount, 0); // nearly as good and simpler
    }
    return shorterAdd(w, new StepSequence(bestInterval, bestCount, bestAdd));
  }

  /**
   * The same run with an add that takes fewer bytes on the wire, if one fits. For a fixed
   * count the adds that fit form one range (the constraints are linear in interval and add),
   * so the nearest add of each shorter encoding is the only one worth trying.
   */
  private static StepSequence shorterAdd(Windows w, StepSequence s) {
    int add = s.add();
    for (int[] range : SHORTER_ADDS) {
      if (add >= range[0] && add <= range[1]) {
        return s; // already as short as this range, and the ranges are nested
      }
      int candidate = Math.clamp(add, range[0], range[1]);
      int interval = latestInterval(w, candidate, s.count());
      if (interval >= 0) {
        return new StepSequence(interval, s.count(), candidate);
      }
    }
    return s;
  }

  /** Adds that encode in one and in two bytes. */
  private static final int[][] SHORTER_ADDS = {{-32, 95}, {-4096, 12287}};

  /** The latest interval that keeps {@code count} steps with {@code add} in their windows. */
  private static int latestInterval(Windows w, int add, int count) {
    int lo = w.minp(0);
    int hi = w.maxp(0);
    for (int k = 2; k <= count; k++) {
      long addTerm = (long) add * k * (k - 1) / 2;
      lo = Math.max(lo, divUp(w.minp(k - 1) - addTerm, k));
      hi = Math.min(hi, divDown(w.maxp(k - 1) - addTerm, k));
      if (lo > hi) {
        return -1;
      }
    }
    return hi;
  }
}
