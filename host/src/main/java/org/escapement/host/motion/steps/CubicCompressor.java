package org.escapement.host.motion.steps;

/**
 * Step sequences with an add2 term (queue_step2, which our firmware has and Klipper's does
 * not): the gap between steps changes by add, and add by add2, so one command follows a
 * changing acceleration, as pressure advance and input shaping make. Step positions are then
 * a cubic in the step number.
 *
 * <p>For a fixed add2 the problem is the queue_step one with every window moved by the
 * add2 term, so {@link BisectCompressor} solves it. The search over add2 starts from the
 * third differences of the wanted step times over a few spans beyond what queue_step
 * reaches (a cubic's third difference over spacing h is add2 * h^3), then narrows around
 * the best by halving steps. On the corpus Benchy this takes 29% fewer commands than
 * queue_step alone, at about twice the CPU time.
 */
public final class CubicCompressor implements Compressor {
  /** Spans tried for the add2 estimate, in quarters of the queue_step run's length. */
  private static final int[] SPAN_QUARTERS = {4, 6, 8, 12, 20};
  private final BisectCompressor linear;

  public CubicCompressor(int maxErrorTicks) {
    this.linear = new BisectCompressor(maxErrorTicks);
  }

  @Override
  public StepSequence next(Windows w) {
    StepSequence best = linear.next(w);
    int size = Math.min(w.size(), 65535);
    if (best.count() >= size || best.count() < 2) {
      return best; // everything fits already, or a lone step (after a pause) that nothing joins
    }
    Shifted shifted = new Shifted(w);
    long[] tried = new long[2 * SPAN_QUARTERS.length];
    int triedCount = 0;
    int base = best.count();
    for (int quarters : SPAN_QUARTERS) {
      int span = Math.min(size, base * quarters / 4 + 3);
      int h = (span - 1) / 3;
      if (h < 1) {
        continue;
      }
      // The wanted times' third difference, from the first pending step (the gap before
      // it may be a pause that belongs to no curve).
      long p0 = w.maxp(0);
      double third = (w.maxp(3 * h) - p0) - 3.0 * (w.maxp(2 * h) - p0)
          + 3.0 * (w.maxp(h) - p0);
      double estimate = third / ((double) h * h * h);
      for (long add2 : new long[] {(long) Math.floor(estimate), (long) Math.ceil(estimate)}) {
        if (add2 == 0 || add2 < Short.MIN_VALUE || add2 > Short.MAX_VALUE
            || contains(tried, triedCount, add2)) {
          continue;
        }
        tried[triedCount++] = add2;
        best = better(shifted, (int) add2, best);
      }
      if (span == size) {
        break;
      }
    }
    if (best.add2() == 0) {
      return best;
    }
    for (int step = Math.abs(best.add2()) / 4; step >= 1; step /= 2) {
      int center = best.add2();
      for (int add2 : new int[] {center - step, center + step}) {
        if (add2 != 0 && add2 >= Short.MIN_VALUE && add2 <= Short.MAX_VALUE) {
          best = better(shifted, add2, best);
        }
      }
    }
    return best;
  }

  private static boolean contains(long[] a, int n, long v) {
    for (int i = 0; i < n; i++) {
      if (a[i] == v) {
        return true;
      }
    }
    return false;
  }

  /** The run with this add2, if it goes further than {@code best} and the MCU can run it. */
  private StepSequence better(Shifted shifted, int add2, StepSequence best) {
    shifted.add2 = add2;
    StepSequence s = linear.next(shifted);
    if (s.count() <= best.count()) {
      return best;
    }
    StepSequence candidate = new StepSequence(s.interval(), s.count(), s.add(), add2);
    return runnable(candidate) ? candidate : best;
  }

  /**
   * Whether the MCU's registers hold this sequence: add (16 bits) takes the values add ..
   * add + count * add2, and every gap must be a positive 31-bit number.
   */
  static boolean runnable(StepSequence s) {
    long lastAdd = s.add() + (long) s.count() * s.add2();
    if (lastAdd < Short.MIN_VALUE || lastAdd > Short.MAX_VALUE) {
      return false;
    }
    long interval = s.interval();
    long add = s.add();
    for (int k = 0; k < s.count(); k++) {
      if (interval < 0 || interval >= 0x80000000L) {
        return false;
      }
      interval += add;
      add += s.add2();
    }
    return true;
  }

  /**
   * The pending windows less the add2 term: what is left for interval and add to meet. A
   * window with a shifted bound outside the int range cannot be met: it gets an empty one.
   * The windows and C(k,3) are copied into arrays as far as the searches reach (every add2
   * tried reads the same windows, and this is the compressor's innermost loop).
   */
  private static final class Shifted implements Windows {
    private final Windows w;
    private final int size;
    private long[] min = new long[64];
    private long[] max = new long[64];
    private long[] choose3 = new long[64]; // C(i+1, 3): step i+1's add2 factor
    private int filled;
    long add2;

    Shifted(Windows w) {
      this.w = w;
      this.size = w.size();
    }

    private void fill(int i) {
      int n = Math.min(size, Math.max(i + 1, 2 * filled));
      if (n > min.length) {
        int len = Math.max(n, 2 * min.length);
        min = java.util.Arrays.copyOf(min, len);
        max = java.util.Arrays.copyOf(max, len);
        choose3 = java.util.Arrays.copyOf(choose3, len);
      }
      for (int j = filled; j < n; j++) {
        long k = j + 1;
        min[j] = w.minp(j);
        max[j] = w.maxp(j);
        choose3[j] = k * (k - 1) * (k - 2) / 6;
      }
      filled = n;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public int minp(int i) {
      if (i >= filled) {
        fill(i);
      }
      long v = min[i] - add2 * choose3[i];
      return v == (int) v ? (int) v : Integer.MAX_VALUE;
    }

    @Override
    public int maxp(int i) {
      if (i >= filled) {
        fill(i);
      }
      long v = max[i] - add2 * choose3[i];
      return v == (int) v ? (int) v : Integer.MIN_VALUE;
    }
  }
}
