package org.escapement.host.motion.steps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.escapement.host.motion.TrapqMove;

/**
 * The extruder motor's position: the filament position from the extruder's trapq, plus
 * pressure advance. With advance K the motor runs ahead of the nominal position by K times
 * the filament velocity (only on moves that extrude while the head moves in XY), and the
 * result is averaged with a triangular window of {@code smooth_time} so steps stay smooth:
 * <pre>  e_out(t) = 1/h^2 * integral over [t-h, t+h] of pa(x) * (h - |t - x|) dx,  h = smooth/2</pre>
 * Each trapq piece is quadratic in time, so the integral has a closed form per piece.
 */
public final class ExtruderKinematics extends StepperKinematics {
  /** Advance value changes take effect at a print time. */
  private record AdvanceChange(double printTime, double advance) {}

  private static final double HALF = 0.5;
  private static final double THIRD = 1.0 / 3;
  private static final double QUARTER = 0.25;
  /** Per-piece cache slots (a power of two; a window spans far fewer pieces). */
  private static final int CACHE_SIZE = 1024;
  private static final int CACHE_MASK = CACHE_SIZE - 1;

  /** A chain of running sums restarts after this long, so the sums stay small numbers. */
  private static final double CHAIN_SPAN = 1.0;
  /** How far back a running sum is looked for before a chain restarts. */
  private static final int MAX_CHAIN_WALK = 64;

  private final long[] cachedSeq = new long[CACHE_SIZE];
  private final double[] cachedAdvance = new double[CACHE_SIZE];
  private final double[] cachedI0 = new double[CACHE_SIZE];
  private final double[] cachedI1 = new double[CACHE_SIZE];
  /*
   * Running sums along a chain of consecutive pieces: with base E (the first piece's start)
   * and anchor A (its end time), the integrals from the chain's start to each piece's start
   * of pa - E and of (x - A) (pa - E). Two values of these give any integral between two
   * points of the chain, so a position needs three pieces, not all those under the tent.
   */
  private final long[] chainOf = new long[CACHE_SIZE];
  private final double[] chainAnchor = new double[CACHE_SIZE];
  private final double[] chainBase = new double[CACHE_SIZE];
  private final double[] sum0 = new double[CACHE_SIZE];
  private final double[] sum1 = new double[CACHE_SIZE];
  private final double[] own0 = new double[CACHE_SIZE];
  private final double[] own1 = new double[CACHE_SIZE];
  private final TrapqMove[] chainWalk = new TrapqMove[MAX_CHAIN_WALK + 1];
  private long chains;
  /** The two results of {@link #running}. */
  private double run0;
  private double run1;
  private double halfSmoothTime;
  private double invHalfSmoothTime2;
  private final List<AdvanceChange> advances = new ArrayList<>();

  public ExtruderKinematics() {
    super(AF_X);
    advances.add(new AdvanceChange(0, 0));
  }

  /**
   * Sets pressure advance from {@code printTime} on; a smooth time change needs the caller to
   * flush step generation first (it changes how far around motion steps are generated).
   */
  public void setPressureAdvance(double printTime, double advance, double smoothTime) {
    double hst = smoothTime * 0.5;
    Arrays.fill(cachedSeq, 0); // cached advances may no longer hold
    if (hst != halfSmoothTime) {
      halfSmoothTime = hst;
      invHalfSmoothTime2 = hst != 0 ? 1.0 / (hst * hst) : 0;
      setGenStepsWindows(hst, hst);
      advances.clear();
      advances.add(new AdvanceChange(0, advance));
      return;
    }
    // Keep only changes still needed for windows before printTime.
    while (advances.size() > 1 && advances.get(1).printTime <= printTime - 1.0) {
      advances.remove(0);
    }
    advances.add(new AdvanceChange(printTime, advance));
  }

  private double advanceAt(double printTime) {
    double a = advances.get(0).advance;
    for (AdvanceChange c : advances) {
      if (c.printTime <= printTime) {
        a = c.advance;
      } else {
        break;
      }
    }
    return a;
  }

  @Override
  public double calcPosition(TrapqMove m, double t) {
    if (halfSmoothTime == 0) {
      return m.startX + m.distance(t);
    }
    double h = halfSmoothTime;
    double center = m.printTime + t;
    TrapqMove lo = linkedPieceAt(m, center - h);
    TrapqMove hi = linkedPieceAt(m, center + h);
    if (lo != null && hi != null && m.seq != 0) {
      int sl = chainSlot(lo);
      int sc = chainSlot(m);
      int sh = chainSlot(hi);
      long chain = chainOf[sc];
      if (chainOf[sl] == chain && chainOf[sh] == chain) {
        // Left half: integral of (pa - E) (h - t + x) = (h - t + A) * L0 + L1; right half:
        // (h + t - A) * R0 - R1, with L and R the differences of the running sums.
        double a = chainAnchor[sc];
        running(lo, sl, center - h);
        double q0Lo = run0;
        double q1Lo = run1;
        running(m, sc, center);
        double q0Mid = run0;
        double q1Mid = run1;
        running(hi, sh, center + h);
        double q0Hi = run0;
        double q1Hi = run1;
        double left = (h - center + a) * (q0Mid - q0Lo) + (q1Mid - q1Lo);
        double right = (h + center - a) * (q0Hi - q0Mid) - (q1Hi - q1Mid);
        // The tent's weights add up to h^2, so the base comes back whole.
        return chainBase[sc] + (left + right) * invHalfSmoothTime2;
      }
    }
    return windowSum(m, center, h);
  }

  /** The piece at {@code time}, walking from {@code m}; null past the trapq's ends. */
  private static TrapqMove linkedPieceAt(TrapqMove m, double time) {
    TrapqMove p = m;
    while (time < p.printTime) {
      p = p.prev;
      if (p == null || p.seq == 0) {
        return null;
      }
    }
    while (time > p.printTime + p.moveT) {
      p = p.next;
      if (p == null || p.seq == 0) {
        return null;
      }
    }
    return p;
  }

  /**
   * The cache slot of linked piece {@code m} with its running sums, continuing the chain of
   * the piece before it (worked out first, back to one already known) or starting a chain.
   */
  private int chainSlot(TrapqMove m) {
    int slot = pieceMoments(m);
    if (chainOf[slot] != 0) {
      return slot;
    }
    int n = 0;
    TrapqMove q = m;
    chainWalk[n++] = q;
    int prevSlot = -1;
    while (true) {
      TrapqMove prev = q.prev;
      if (prev == null || prev.seq == 0) {
        break;
      }
      int ps = pieceMoments(prev);
      if (chainOf[ps] != 0) {
        prevSlot = ps;
        break;
      }
      if (n == MAX_CHAIN_WALK) {
        break;
      }
      q = prev;
      chainWalk[n++] = q;
    }
    // chainWalk holds the pieces without sums, newest first; fill them oldest first.
    for (int i = n - 1; i >= 0; i--) {
      TrapqMove p = chainWalk[i];
      int s = pieceMoments(p);
      TrapqMove prev = p.prev;
      if (prevSlot < 0 || p.printTime - chainAnchor[prevSlot] > CHAIN_SPAN) {
        chainOf[s] = ++chains;
        // Anchored at the first piece's end: it may be a long pause, the rest follow it.
        chainAnchor[s] = p.printTime + p.moveT;
        chainBase[s] = p.startX;
        sum0[s] = 0;
        sum1[s] = 0;
      } else {
        chainOf[s] = chainOf[prevSlot];
        chainAnchor[s] = chainAnchor[prevSlot];
        chainBase[s] = chainBase[prevSlot];
        sum0[s] = sum0[prevSlot] + own0[prevSlot];
        sum1[s] = sum1[prevSlot] + own1[prevSlot]
            + (prev.printTime - chainAnchor[prevSlot]) * own0[prevSlot];
      }
      // The piece's own integrals of (pa - E) and of u (pa - E), u the time into it.
      double k = cachedAdvance[s];
      double a = p.startX - chainBase[s] + k * p.startV;
      double b = p.startV + 2 * k * p.halfAccel;
      own0[s] = moment0(a, b, p.halfAccel, p.moveT);
      own1[s] = moment1(a, b, p.halfAccel, p.moveT);
      chainWalk[i] = null;
      prevSlot = s;
    }
    return slot;
  }

  /**
   * The chain's running sums up to {@code time} inside piece {@code p} (slot {@code s}): of
   * (pa - E) into {@link #run0}, of (x - A) (pa - E) into {@link #run1}.
   */
  private void running(TrapqMove p, int s, double time) {
    double u = time - p.printTime;
    double k = cachedAdvance[s];
    double a = p.startX - chainBase[s] + k * p.startV;
    double b = p.startV + 2 * k * p.halfAccel;
    double part0 = moment0(a, b, p.halfAccel, u);
    run0 = sum0[s] + part0;
    run1 = sum1[s] + moment1(a, b, p.halfAccel, u) + (p.printTime - chainAnchor[s]) * part0;
  }

  /** Integral over [0, u] of (a + b x + c x^2) dx. */
  private static double moment0(double a, double b, double c, double u) {
    return u * (a + u * (b * HALF + u * c * THIRD));
  }

  /** Integral over [0, u] of x (a + b x + c x^2) dx. */
  private static double moment1(double a, double b, double c, double u) {
    return u * u * (a * HALF + u * (b * THIRD + u * c * QUARTER));
  }

  /** The tent sum over every piece under the window, one by one (where no chain spans it). */
  private double windowSum(TrapqMove m, double center, double h) {
    double sum = integrate(m, center, center - h, center + h);
    // Walk to the neighbours the window reaches into.
    for (TrapqMove p = m.prev; p != null && p.endTime() > center - h; p = p.prev) {
      sum += integrate(p, center, center - h, center + h);
    }
    for (TrapqMove n = m.next; n != null && n.printTime < center + h; n = n.next) {
      sum += integrate(n, center, center - h, center + h);
    }
    return sum * invHalfSmoothTime2;
  }

  /**
   * Looks up (or works out) piece {@code m}'s advance and its whole-piece moments: the
   * window is ~0.04 s wide and pieces are often a few ms, so most pieces a position sums over
   * lie wholly inside one half of the tent, where these two numbers are all it needs.
   *
   * @return the cache slot holding them
   */
  private int pieceMoments(TrapqMove m) {
    int slot = (int) m.seq & CACHE_MASK;
    if (m.seq == 0 || cachedSeq[slot] != m.seq) {
      double k = m.axesRY != 0 ? advanceAt(m.printTime) : 0;
      double a = m.startX + k * m.startV;
      double b = m.startV + 2 * k * m.halfAccel;
      double c = m.halfAccel;
      double d = m.moveT;
      cachedAdvance[slot] = k;
      cachedI0[slot] = moment0(a, b, c, d);
      cachedI1[slot] = moment1(a, b, c, d);
      cachedSeq[slot] = m.seq;
      chainOf[slot] = 0;
    }
    return slot;
  }

  /**
   * The tent-weighted integral of piece {@code m}'s advanced position over its overlap with
   * [lo, hi], the tent peaking at {@code center}.
   */
  private double integrate(TrapqMove m, double center, double lo, double hi) {
    double p = m.printTime;
    double start = Math.max(lo, p);
    double end = Math.min(hi, p + m.moveT);
    if (end <= start) {
      return 0;
    }
    double h = halfSmoothTime;
    int slot = pieceMoments(m);
    boolean whole = start == p && end == p + m.moveT;
    if (whole && end <= center) {
      // Weight (h - center + x), linear over the piece: whole-piece moments suffice.
      return (h - center + p) * cachedI0[slot] + cachedI1[slot];
    }
    if (whole && start >= center) {
      return (h + center - p) * cachedI0[slot] - cachedI1[slot];
    }
    // pa(u) = a + b u + c u^2 with u the time into the piece; advance only on flagged pieces.
    double k = cachedAdvance[slot];
    double a = m.startX + k * m.startV;
    double b = m.startV + 2 * k * m.halfAccel;
    double c = m.halfAccel;
    double res = 0;
    // Left half of the tent, weight (h - center + x) = (alpha + u).
    double l0 = start - p;
    double l1 = Math.min(end, center) - p;
    if (l1 > l0) {
      res += rampIntegral(a, b, c, h - center + p, 1, l0, l1);
    }
    // Right half, weight (h + center - x) = (beta - u).
    double r0 = Math.max(start, center) - p;
    double r1 = end - p;
    if (r1 > r0) {
      res += rampIntegral(a, b, c, h + center - p, -1, r0, r1);
    }
    return res;
  }

  /** Integral over [u0, u1] of (a + b u + c u^2) * (w0 + w1 u) du. */
  private static double rampIntegral(double a, double b, double c, double w0, double w1,
      double u0, double u1) {
    return antiderivative(a, b, c, w0, w1, u1) - antiderivative(a, b, c, w0, w1, u0);
  }

  private static double antiderivative(double a, double b, double c, double w0, double w1,
      double u) {
    // w0 (a u + b u^2/2 + c u^3/3) + w1 (a u^2/2 + b u^3/3 + c u^4/4), in Horner form.
    return u * (w0 * a + u * ((w0 * b + w1 * a) * HALF
        + u * ((w0 * c + w1 * b) * THIRD + u * w1 * c * QUARTER)));
  }

  public double halfSmoothTime() {
    return halfSmoothTime;
  }
}
