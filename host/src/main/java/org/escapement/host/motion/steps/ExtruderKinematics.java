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

  private final long[] cachedSeq = new long[CACHE_SIZE];
  private final double[] cachedAdvance = new double[CACHE_SIZE];
  private final double[] cachedI0 = new double[CACHE_SIZE];
  private final double[] cachedI1 = new double[CACHE_SIZE];
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
      cachedI0[slot] = d * (a + d * (b * HALF + d * c * THIRD));
      cachedI1[slot] = d * d * (a * HALF + d * (b * THIRD + d * c * QUARTER));
      cachedSeq[slot] = m.seq;
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
