package org.escapement.host.motion.steps;

import org.escapement.host.motion.TrapqMove;

/**
 * Input shaping in front of a stepper's kinematics: the toolhead's X (Y, Z) coordinate is
 * replaced by a weighted average of itself at a few shifted times (the shaper's impulses,
 * normalised to sum 1 and centred so their weighted mean delay is 0: constant-velocity motion
 * is not delayed), then the original kinematics turns the shaped point into a stepper
 * position. Works for any kinematics, since shaping happens in Cartesian space.
 */
public final class InputShaperKinematics extends StepperKinematics {
  /** One axis's impulses as offsets in time, ordered by offset. */
  static final class AxisPulses {
    final double[] a;
    final double[] t;
    /** Index of the first impulse at a positive offset (later in time). */
    final int firstAhead;

    AxisPulses(double[] a, double[] t) {
      this.a = a;
      this.t = t;
      int i = 0;
      while (i < t.length && t[i] <= 0) {
        i++;
      }
      firstAhead = i;
    }

    boolean active() {
      return a.length > 0;
    }
  }

  /**
   * One axis's smooth kernel as a weight over time offsets {@code r} (the shaped coordinate is
   * the integral of weight(r) x(t + r) dr), kept as a polynomial {@code q} in
   * {@code sigma = r / duration} so its coefficients stay near 1. For each piece of the trapq
   * the coordinate is quadratic in r, so the integral needs only the kernel's moments of
   * order 0, 1 and 2, whose antiderivatives are precomputed.
   */
  static final class AxisKernel {
    final double duration;
    /** Offsets covered, in units of the duration: [sigma0, sigma1], sigma1 - sigma0 = 1. */
    final double sigma0;
    final double sigma1;
    /** Antiderivative coefficients of q(sigma) sigma^j, j = 0, 1, 2. */
    final double[][] moments = new double[3][];

    AxisKernel(Shapers.Kernel k) {
      duration = k.duration();
      double[] p = k.coef();
      int n = p.length;
      // Centre: mean delay m (in durations); offset r = mean delay - delay.
      double area = 0;
      double first = 0;
      for (int j = 0; j < n; j++) {
        area += p[j] / (j + 1);
        first += p[j] / (j + 2);
      }
      double mean = first / area;
      sigma0 = mean - 1;
      sigma1 = mean;
      // q(sigma) = p(mean - sigma) / area, expanded by the binomial theorem.
      double[] q = new double[n];
      for (int j = 0; j < n; j++) {
        double binom = 1;
        for (int i = 0; i <= j; i++) {
          // term of (mean - sigma)^j: C(j, i) mean^(j-i) (-sigma)^i
          q[i] += p[j] * binom * Math.pow(mean, j - i) * ((i % 2 == 0) ? 1 : -1) / area;
          binom = binom * (j - i) / (i + 1);
        }
      }
      for (int order = 0; order < 3; order++) {
        double[] a = new double[n + order + 1];
        for (int i = 0; i < n; i++) {
          a[i + order + 1] = q[i] / (i + order + 1);
        }
        moments[order] = a;
      }
    }

    double moment(int order, double from, double to) {
      return Shapers.polynomial(moments[order], to) - Shapers.polynomial(moments[order], from);
    }
  }

  private static final AxisPulses NONE = new AxisPulses(new double[0], new double[0]);
  private static final int MAX_PULSES = 10;

  private final StepperKinematics orig;
  private final AxisPulses[] axes = {NONE, NONE, NONE};
  /** An axis's smooth kernel, if it has one instead of impulses. */
  private final AxisKernel[] kernels = new AxisKernel[3];
  /** A stationary point handed to the original kinematics (reused: no garbage per step). */
  private final TrapqMove point = TrapqMove.at(0, 0, 0);
  /** Per axis, the shaped coordinate as a quadratic while no impulse crosses a piece end. */
  private final Segment[] segments = {new Segment(), new Segment(), new Segment()};

  /**
   * Between the times at which some impulse crosses from one trapq piece into the next, the
   * shaped coordinate is a sum of quadratics in time, so one quadratic: kept here, a step's
   * few solver evaluations and the next steps' cost three multiplications instead of a walk
   * over the pieces. Only pieces linked into the trapq take part (they never change while
   * linked); near the trapq's ends, where its tail still moves, nothing is kept. A trapq that
   * jumps to a position (after homing) drops its queued pieces, and the pieces after that
   * have later sequence numbers: the quadratic serves only pieces numbered within the ones it
   * was made from, so it is never used across such a jump.
   */
  private static final class Segment {
    double from = Double.POSITIVE_INFINITY;
    double to = Double.NEGATIVE_INFINITY;
    long minSeq = Long.MAX_VALUE;
    long maxSeq = Long.MIN_VALUE;
    double ref;
    double c0;
    double c1;
    double c2;

    void clear() {
      from = Double.POSITIVE_INFINITY;
      to = Double.NEGATIVE_INFINITY;
      minSeq = Long.MAX_VALUE;
      maxSeq = Long.MIN_VALUE;
    }
  }

  /** Wraps {@code orig}, taking over its position and timing state. */
  public InputShaperKinematics(StepperKinematics orig) {
    super(orig.activeFlags());
    this.orig = orig;
    this.commandedPos = orig.commandedPos;
    this.lastFlushTime = orig.lastFlushTime;
    this.lastMoveTime = orig.lastMoveTime;
  }

  public StepperKinematics original() {
    return orig;
  }

  /**
   * Sets the shaper of {@code axis} (0 = X): impulses or a smooth kernel; empty impulses
   * disable shaping on that axis.
   *
   * @return false if the shaper cannot be used
   */
  public boolean setShaper(int axis, Shapers.Shaper shaper) {
    return switch (shaper) {
      case Shapers.Pulses p -> setShaper(axis, p.a(), p.t());
      case Shapers.Kernel k -> {
        if ((activeFlags() & (1 << axis)) != 0) {
          axes[axis] = NONE;
          kernels[axis] = new AxisKernel(k);
          updateWindows();
        }
        yield true;
      }
    };
  }

  /**
   * Sets the shaper of {@code axis} (0 = X) from its textbook impulses; no impulses disables
   * shaping on that axis. Axes this stepper does not follow are ignored.
   *
   * @return false if the impulses cannot be used (too many, not in time order)
   */
  public boolean setShaper(int axis, double[] a, double[] t) {
    int flag = 1 << axis;
    if ((activeFlags() & flag) == 0) {
      return true;
    }
    kernels[axis] = null;
    int n = a.length;
    if (n > MAX_PULSES) {
      axes[axis] = NONE;
      return false;
    }
    for (int i = 1; i < n; i++) {
      if (t[i - 1] >= t[i]) {
        axes[axis] = NONE;
        return false;
      }
    }
    double sum = 0;
    for (double v : a) {
      sum += v;
    }
    // Convolution reverses the impulses in time; then centre them on their weighted mean.
    double[] na = new double[n];
    double[] nt = new double[n];
    for (int i = 0; i < n; i++) {
      na[n - i - 1] = a[i] / sum;
      nt[n - i - 1] = -t[i];
    }
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += na[i] * nt[i];
    }
    for (int i = 0; i < n; i++) {
      nt[i] -= mean;
    }
    axes[axis] = new AxisPulses(na, nt);
    updateWindows();
    return true;
  }

  /** Steps must be generated as far before and after motion as the impulses reach. */
  private void updateWindows() {
    for (Segment seg : segments) {
      seg.clear();
    }
    double pre = 0;
    double post = 0;
    for (int i = 0; i < 3; i++) {
      AxisPulses p = axes[i];
      if ((activeFlags() & (1 << i)) != 0 && p.active()) {
        pre = Math.max(pre, p.t[p.t.length - 1]);
        post = Math.max(post, -p.t[0]);
      }
      AxisKernel k = kernels[i];
      if ((activeFlags() & (1 << i)) != 0 && k != null) {
        pre = Math.max(pre, k.sigma1 * k.duration);
        post = Math.max(post, -k.sigma0 * k.duration);
      }
    }
    setGenStepsWindows(pre, post);
  }

  private static double axisPosition(TrapqMove m, int axis, double t) {
    double d = m.distance(t);
    return switch (axis) {
      case 0 -> m.startX + m.axesRX * d;
      case 1 -> m.startY + m.axesRY * d;
      default -> m.startZ + m.axesRZ * d;
    };
  }

  /**
   * The shaped coordinate of {@code axis} at {@code t} into {@code m}: from the axis's cached
   * quadratic when {@code t} falls inside it, else worked out by walking to the piece each
   * impulse lands in, keeping the quadratic of the stretch around {@code t}.
   */
  private double shaped(TrapqMove m, int axis, double t, AxisPulses p) {
    Segment seg = segments[axis];
    double now = m.printTime + t;
    if (m.seq >= seg.minSeq && m.seq <= seg.maxSeq && now >= seg.from && now <= seg.to) {
      double tau = now - seg.ref;
      return seg.c0 + tau * (seg.c1 + tau * seg.c2);
    }
    double from = Double.NEGATIVE_INFINITY;
    double to = Double.POSITIVE_INFINITY;
    double c0 = 0;
    double c1 = 0;
    double c2 = 0;
    boolean linked = m.seq != 0;
    long minSeq = m.seq;
    long maxSeq = m.seq;
    for (int dirn = 0; dirn < 2; dirn++) {
      // Impulses before now walk back through earlier pieces, those after walk forward.
      TrapqMove at = m;
      double local = t;
      int first = dirn == 0 ? p.firstAhead - 1 : p.firstAhead;
      int end = dirn == 0 ? -1 : p.a.length;
      int stepI = dirn == 0 ? -1 : 1;
      for (int i = first; i != end; i += stepI) {
        double tt = local + p.t[i];
        while (tt < 0) {
          at = at.prev;
          tt += at.moveT;
        }
        while (tt > at.moveT) {
          tt -= at.moveT;
          at = at.next;
        }
        local = tt - p.t[i];
        double dir = axis == 0 ? at.axesRX : axis == 1 ? at.axesRY : at.axesRZ;
        double start = axis == 0 ? at.startX : axis == 1 ? at.startY : at.startZ;
        double v = dir * at.startV;
        double h = dir * at.halfAccel;
        double a = p.a[i];
        // Around now the impulse's position is start + v u + h u^2, u = tt + tau.
        c0 += a * (start + (v + h * tt) * tt);
        c1 += a * (v + 2 * h * tt);
        c2 += a * h;
        from = Math.max(from, now - tt);
        to = Math.min(to, now - tt + at.moveT);
        linked &= at.seq != 0;
        minSeq = Math.min(minSeq, at.seq);
        maxSeq = Math.max(maxSeq, at.seq);
      }
    }
    if (linked) {
      seg.from = from;
      seg.to = to;
      seg.ref = now;
      seg.c0 = c0;
      seg.c1 = c1;
      seg.c2 = c2;
      seg.minSeq = minSeq;
      seg.maxSeq = maxSeq;
    }
    return c0;
  }

  /** The coordinate of {@code axis} at {@code t} into {@code m}, smoothed by kernel k. */
  private static double smoothed(TrapqMove m, int axis, double t, AxisKernel k) {
    double now = m.printTime + t;
    double from = now + k.sigma0 * k.duration;
    double to = now + k.sigma1 * k.duration;
    TrapqMove at = m;
    while (at.printTime > from && at.prev != null) {
      at = at.prev;
    }
    double res = 0;
    double dur = k.duration;
    for (; at != null && at.printTime < to; at = at.next) {
      double lo = Math.max(from, at.printTime);
      double hi = Math.min(to, at.printTime + at.moveT);
      if (hi <= lo) {
        continue;
      }
      // The coordinate over this piece as c0 + c1 r + c2 r^2, r = time - now.
      double dir = axis == 0 ? at.axesRX : axis == 1 ? at.axesRY : at.axesRZ;
      double start = axis == 0 ? at.startX : axis == 1 ? at.startY : at.startZ;
      double v = dir * at.startV;
      double h = dir * at.halfAccel;
      double d = now - at.printTime;
      double c0 = start + (v + h * d) * d;
      double c1 = v + 2 * h * d;
      double s0 = (lo - now) / dur;
      double s1 = (hi - now) / dur;
      res += c0 * k.moment(0, s0, s1) + dur * (c1 * k.moment(1, s0, s1)
          + dur * h * k.moment(2, s0, s1));
    }
    return res;
  }

  private double coordinate(TrapqMove m, int axis, double t) {
    if (kernels[axis] != null) {
      return smoothed(m, axis, t, kernels[axis]);
    }
    if (axes[axis].active()) {
      return shaped(m, axis, t, axes[axis]);
    }
    return axisPosition(m, axis, t);
  }

  @Override
  public double calcPosition(TrapqMove m, double t) {
    boolean any = false;
    for (int i = 0; i < 3; i++) {
      any |= (axes[i].active() || kernels[i] != null) && (activeFlags() & (1 << i)) != 0;
    }
    if (!any) {
      return orig.calcPosition(m, t);
    }
    point.startX = coordinate(m, 0, t);
    point.startY = coordinate(m, 1, t);
    point.startZ = coordinate(m, 2, t);
    return orig.calcPosition(point, 500.0);
  }

  @Override
  protected void afterSteps() {
    orig.commandedPos = commandedPos;
    orig.afterSteps();
    commandedPos = orig.commandedPos;
  }

  @Override
  public void setTrapq(org.escapement.host.motion.Trapq tq, double stepDist) {
    for (Segment seg : segments) {
      seg.clear();
    }
    super.setTrapq(tq, stepDist);
    orig.setTrapq(tq, stepDist);
  }
}
