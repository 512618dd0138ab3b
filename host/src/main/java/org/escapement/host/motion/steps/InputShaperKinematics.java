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

  private static final AxisPulses NONE = new AxisPulses(new double[0], new double[0]);
  private static final int MAX_PULSES = 10;

  private final StepperKinematics orig;
  private final AxisPulses[] axes = {NONE, NONE, NONE};
  /** A stationary point handed to the original kinematics (reused: no garbage per step). */
  private final TrapqMove point = TrapqMove.at(0, 0, 0);

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
    double pre = 0;
    double post = 0;
    for (int i = 0; i < 3; i++) {
      AxisPulses p = axes[i];
      if ((activeFlags() & (1 << i)) != 0 && p.active()) {
        pre = Math.max(pre, p.t[p.t.length - 1]);
        post = Math.max(post, -p.t[0]);
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

  /** The shaped coordinate of {@code axis} at {@code t} into {@code m}. */
  private static double shaped(TrapqMove m, int axis, double t, AxisPulses p) {
    double res = 0;
    // Impulses before now: walk back through earlier pieces as needed.
    TrapqMove at = m;
    double local = t;
    for (int i = p.firstAhead - 1; i >= 0; i--) {
      double tt = local + p.t[i];
      while (tt < 0) {
        at = at.prev;
        tt += at.moveT;
      }
      res += p.a[i] * axisPosition(at, axis, tt);
      local = tt - p.t[i];
    }
    // Impulses after now: walk forward.
    at = m;
    local = t;
    for (int i = p.firstAhead; i < p.a.length; i++) {
      double tt = local + p.t[i];
      while (tt > at.moveT) {
        tt -= at.moveT;
        at = at.next;
      }
      res += p.a[i] * axisPosition(at, axis, tt);
      local = tt - p.t[i];
    }
    return res;
  }

  @Override
  public double calcPosition(TrapqMove m, double t) {
    boolean any = false;
    for (int i = 0; i < 3; i++) {
      any |= axes[i].active() && (activeFlags() & (1 << i)) != 0;
    }
    if (!any) {
      return orig.calcPosition(m, t);
    }
    double d = m.distance(t);
    point.startX = axes[0].active() ? shaped(m, 0, t, axes[0]) : m.startX + m.axesRX * d;
    point.startY = axes[1].active() ? shaped(m, 1, t, axes[1]) : m.startY + m.axesRY * d;
    point.startZ = axes[2].active() ? shaped(m, 2, t, axes[2]) : m.startZ + m.axesRZ * d;
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
    super.setTrapq(tq, stepDist);
    orig.setTrapq(tq, stepDist);
  }
}
