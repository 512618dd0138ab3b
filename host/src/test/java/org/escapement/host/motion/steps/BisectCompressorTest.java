package org.escapement.host.motion.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The step compressor against its contract: every step of every queue_step lands within
 * [wanted - bound, wanted] (the bound shrinks to half the gap to the previous step), count
 * 1..65535, add fits int16, every gap fits the MCU's 31-bit interval, and all steps are sent
 * in order. Streams are fed and flushed in pieces, as StepCompress does.
 */
class BisectCompressorTest {
  static final int ERR_50MHZ = 1250; // 25 µs at 50 MHz
  static final int ERR_16MHZ = 400; // 25 µs at 16 MHz

  /** Pending steps and the last sent step, with StepCompress's windows. */
  static final class Queue implements Compressor.Windows {
    final int maxError;
    long[] q = new long[0];
    int pos;
    long last;
    final List<StepSequence> sent = new ArrayList<>();

    Queue(int maxError, long start) {
      this.maxError = maxError;
      this.last = start;
    }

    @Override
    public int size() {
      return q.length - pos;
    }

    @Override
    public int maxp(int i) {
      return (int) (q[pos + i] - last);
    }

    @Override
    public int minp(int i) {
      long point = q[pos + i];
      long prev = i == 0 ? last : q[pos + i - 1];
      return (int) (point - last - Math.min(maxError, (point - prev) / 2));
    }

    void add(long[] clocks) {
      long[] n = Arrays.copyOf(Arrays.copyOfRange(q, pos, q.length), q.length - pos
          + clocks.length);
      System.arraycopy(clocks, 0, n, q.length - pos, clocks.length);
      q = n;
      pos = 0;
    }

    /** Sends sequences until the last sent step is at or after moveClock (or none is left). */
    void flush(Compressor c, long moveClock) {
      while (pos < q.length && last < moveClock) {
        StepSequence s = c.next(this);
        assertValid(s);
        sent.add(s);
        last += s.reach();
        pos += s.count();
      }
    }

    void assertValid(StepSequence s) {
      String what = s + " after clock " + last;
      assertThat(s.count()).as(what).isBetween(1, Math.min(size(), 65535));
      assertThat(s.add()).as(what).isBetween((int) Short.MIN_VALUE, (int) Short.MAX_VALUE);
      assertThat(s.interval() == 0 && s.add() == 0 && s.count() > 1).as(what).isFalse();
      long gap = s.interval();
      long add = s.add();
      long p = 0;
      for (int i = 0; i < s.count(); i++) {
        assertThat(gap).as(what + " gap of step " + (i + 1)).isBetween(0L, 0x7FFFFFFFL);
        p += gap;
        assertThat(p).as(what + " step " + (i + 1) + " (not late, not too early)")
            .isBetween((long) minp(i), (long) maxp(i));
        gap += add;
        add += s.add2();
        assertThat(add).as(what + " add after step " + (i + 1) + " (16-bit register)")
            .isBetween((long) Short.MIN_VALUE, (long) Short.MAX_VALUE);
      }
    }
  }

  /** Feeds the segments (a direction change flushes everything, as StepCompress does). */
  static Queue run(Compressor c, int maxError, long start, List<long[]> segments, Random rnd) {
    Queue q = new Queue(maxError, start);
    long total = 0;
    for (long[] seg : segments) {
      total += seg.length;
      // Add in a few batches, each followed by a flush part of the way in.
      int done = 0;
      while (done < seg.length) {
        int n = Math.min(seg.length - done, 1 + rnd.nextInt(Math.max(1, seg.length / 3 + 1)));
        q.add(Arrays.copyOfRange(seg, done, done + n));
        done += n;
        if (done < seg.length) {
          q.flush(c, seg[done - 1 - rnd.nextInt(n)]);
        }
      }
      q.flush(c, Long.MAX_VALUE);
    }
    assertThat(q.size()).isZero();
    assertThat(q.sent.stream().mapToLong(StepSequence::count).sum()).isEqualTo(total);
    return q;
  }

  // ---- step streams: clocks of half-step crossings of s(t) = v t + a t^2 / 2 ----

  /** Steps of a move from speed v (steps/s) with acceleration a, until n steps or it stops. */
  static long[] move(double startTick, double freq, double v, double a, int n) {
    long[] out = new long[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      double d = i + 0.5;
      double t;
      if (Math.abs(a) < 1e-9) {
        t = d / v;
      } else {
        double disc = v * v + 2 * a * d;
        if (disc < 0) {
          break; // it stops before this step
        }
        t = (-v + Math.sqrt(disc)) / a;
      }
      long clock = (long) (startTick + t * freq);
      if (m > 0 && clock < out[m - 1]) {
        break;
      }
      out[m++] = clock;
    }
    return Arrays.copyOf(out, m);
  }

  /** Steps of s(t) = v t + a t^2 / 2 + j t^3 / 6 (changing acceleration) over a time. */
  static long[] jerkMove(double startTick, double freq, double v, double a, double j,
      double seconds) {
    List<Long> out = new ArrayList<>();
    double dt = 1e-6;
    double lastPos = 0;
    int dir = 0;
    for (double t = dt; t <= seconds; t += dt) {
      double pos = v * t + a * t * t / 2 + j * t * t * t / 6;
      int d = pos > lastPos ? 1 : -1;
      if (dir != 0 && d != dir) {
        break; // keep one direction: a reversal would be its own segment
      }
      dir = d;
      if (Math.floor(Math.abs(pos) + 0.5) != Math.floor(Math.abs(lastPos) + 0.5)) {
        out.add((long) (startTick + t * freq));
      }
      lastPos = pos;
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  static List<long[]> stream(int kind, Random rnd, double freq) {
    List<long[]> segs = new ArrayList<>();
    double tick = 1000 + rnd.nextInt(100_000);
    int pieces = 1 + rnd.nextInt(4);
    for (int p = 0; p < pieces; p++) {
      long[] seg;
      switch (kind) {
        case 0 -> seg = move(tick, freq, 50 + rnd.nextDouble() * 60_000, 0, 1 + rnd.nextInt(3000));
        case 1 -> {
          double v = rnd.nextDouble() * 20_000;
          double a = (rnd.nextBoolean() ? 1 : -1) * (1000 + rnd.nextDouble() * 400_000);
          if (v < 10 && a < 0) {
            a = -a;
          }
          seg = move(tick, freq, v, a, 1 + rnd.nextInt(5000));
        }
        case 2 -> {
          // Decelerate to a stop, then the other way: the direction change splits the run.
          double v = 500 + rnd.nextDouble() * 20_000;
          double a = 5000 + rnd.nextDouble() * 300_000;
          seg = move(tick, freq, v, -a, 100_000);
          if (seg.length > 0) {
            segs.add(seg);
            tick = seg[seg.length - 1] + freq * 0.001 * rnd.nextDouble();
          }
          seg = move(tick, freq, 0, a, 1 + rnd.nextInt(3000));
        }
        case 4 -> seg = jerkMove(tick, freq, 2000 + rnd.nextDouble() * 8000,
            rnd.nextDouble() * 100_000, (rnd.nextBoolean() ? 1 : -1) * rnd.nextDouble() * 5e6,
            0.02 + rnd.nextDouble() * 0.05);
        default -> {
          // Sparse, irregular steps: gaps from one tick to seconds.
          seg = new long[1 + rnd.nextInt(200)];
          long c = (long) tick;
          for (int i = 0; i < seg.length; i++) {
            int scale = rnd.nextInt(5);
            c += 1 + (long) (rnd.nextDouble() * Math.pow(100, scale));
            seg[i] = c;
          }
        }
      }
      if (seg.length > 0) {
        segs.add(seg);
        tick = seg[seg.length - 1] + 1 + rnd.nextInt((int) (freq * 0.01));
      }
    }
    return segs;
  }

  @Property(tries = 400)
  void everyStepLandsInItsWindow(@ForAll @IntRange(min = 0, max = 4) int kind,
      @ForAll long seed, @ForAll boolean fastClock) {
    runRandomStream(BisectCompressor::new, kind, seed, fastClock);
  }

  @Property(tries = 400)
  void withAdd2EveryStepLandsInItsWindow(@ForAll @IntRange(min = 0, max = 4) int kind,
      @ForAll long seed, @ForAll boolean fastClock) {
    runRandomStream(CubicCompressor::new, kind, seed, fastClock);
  }

  /** A random stream of one kind through a compressor, at 50 or 16 MHz. */
  private static void runRandomStream(IntFunction<Compressor> compressor, int kind, long seed,
      boolean fastClock) {
    Random rnd = new Random(seed);
    double freq = fastClock ? 50e6 : 16e6;
    int err = fastClock ? ERR_50MHZ : ERR_16MHZ;
    run(compressor.apply(err), err, 0, stream(kind, rnd, freq), rnd);
  }

  @Test
  void add2FollowsAChangingAccelerationWithFewerCommands() {
    // Pressure advance and input shaping change the acceleration along a move:
    // {speed (steps/s), acceleration, its rate of change, seconds}.
    double[][] moves = {{3000, 20_000, 2e6, 0.15}, {1000, 0, 5e6, 0.1}, {500, 1e5, 2e7, 0.05},
        {200, 5e5, 1e8, 0.03}, {20_000, 0, -4e6, 0.1}};
    int linear = 0;
    int cubic = 0;
    boolean usedAdd2 = false;
    for (double[] m : moves) {
      long[] steps = jerkMove(1000, 50e6, m[0], m[1], m[2], m[3]);
      Queue a = new Queue(ERR_50MHZ, 0);
      a.add(steps);
      a.flush(new BisectCompressor(ERR_50MHZ), Long.MAX_VALUE);
      Queue b = new Queue(ERR_50MHZ, 0);
      b.add(steps);
      b.flush(new CubicCompressor(ERR_50MHZ), Long.MAX_VALUE);
      linear += a.sent.size();
      cubic += b.sent.size();
      usedAdd2 |= b.sent.stream().anyMatch(s -> s.add2() != 0);
    }
    assertThat(usedAdd2).isTrue();
    assertThat(cubic).isLessThan(linear * 9 / 10); // 64 against 74 when written
  }

  // ---- edge cases ----

  @Test
  void aSingleStepIsSentAtItsTime() {
    Queue q = run(new BisectCompressor(ERR_50MHZ), ERR_50MHZ, 1000,
        List.<long[]>of(new long[] {5000}), new Random(1));
    assertThat(q.sent).containsExactly(new StepSequence(4000, 1, 0));
  }

  @Test
  void evenlySpacedStepsAreOneSequence() {
    long[] s = new long[1000];
    for (int i = 0; i < s.length; i++) {
      s[i] = 777L * (i + 1);
    }
    Queue q = new Queue(ERR_50MHZ, 0);
    q.add(s);
    q.flush(new BisectCompressor(ERR_50MHZ), Long.MAX_VALUE);
    assertThat(q.sent).containsExactly(new StepSequence(777, 1000, 0));
  }

  @Test
  void countStopsAt65535() {
    long[] s = new long[70_000];
    for (int i = 0; i < s.length; i++) {
      s[i] = 100L * (i + 1);
    }
    Queue q = new Queue(ERR_16MHZ, 0);
    q.add(s);
    q.flush(new BisectCompressor(ERR_16MHZ), Long.MAX_VALUE);
    assertThat(q.sent.get(0)).isEqualTo(new StepSequence(100, 65535, 0));
    assertThat(q.sent.stream().mapToInt(StepSequence::count).sum()).isEqualTo(70_000);
  }

  @Test
  void stepsOneTickApartAndOnTheSameTick() {
    // Windows of width zero (half the gap to the previous step rounds down to nothing).
    long[] s = {1, 2, 3, 3, 4, 10, 10, 11};
    run(new BisectCompressor(ERR_50MHZ), ERR_50MHZ, 0, List.<long[]>of(s), new Random(2));
  }

  @Test
  void aVeryLongGapFitsTheInterval() {
    long[] s = {1L << 30, (1L << 30) + 5000, (1L << 30) + 10_000};
    Queue q = run(new BisectCompressor(ERR_50MHZ), ERR_50MHZ, 0, List.<long[]>of(s),
        new Random(3));
    assertThat(q.sent.get(0).interval()).isEqualTo(1 << 30);
  }

  @Test
  void fastAccelerationNeedsALargeAdd() {
    // From rest at a high step acceleration on a 50 MHz clock: early gaps shrink fast.
    long[] s = move(0, 50e6, 0, 2_000_000, 4000);
    run(new BisectCompressor(ERR_50MHZ), ERR_50MHZ, 0, List.<long[]>of(s), new Random(4));
  }

  @Test
  void aRunTakesTheAddWithTheShortestEncodingThatFits() {
    // Adds from 50 to 3800 keep both steps in their windows (the search alone settles
    // on 2863, two bytes on the wire); 95 takes one byte.
    Queue q = new Queue(ERR_50MHZ, 0);
    q.add(new long[] {10_000, 21_300});
    q.flush(new BisectCompressor(ERR_50MHZ), Long.MAX_VALUE);
    assertThat(q.sent).containsExactly(new StepSequence(10_000, 2, 95));
  }

  @Test
  void flushingStopsAtTheRequestedClock() {
    long[] s = move(0, 16e6, 2000, 50_000, 3000);
    Queue q = new Queue(ERR_16MHZ, 0);
    q.add(s);
    long moveClock = s[500];
    q.flush(new BisectCompressor(ERR_16MHZ), moveClock);
    // Sent up to the clock, and no further than the one sequence that passed it.
    StepSequence lastSeq = q.sent.get(q.sent.size() - 1);
    assertThat(q.last).isGreaterThanOrEqualTo(moveClock);
    assertThat(q.last - lastSeq.reach()).isLessThan(moveClock);
    assertThat(q.size()).isGreaterThan(0);
  }
}
