package org.escapement.host.motion.kinematics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.escapement.host.motion.Trapq;
import org.escapement.host.motion.TrapqMove;
import org.escapement.host.motion.steps.BisectCompressor;
import org.escapement.host.motion.steps.CubicCompressor;
import org.escapement.host.motion.steps.IterSolve;
import org.escapement.host.motion.steps.StepCompress;
import org.escapement.host.motion.steps.StepMessage;
import org.escapement.host.motion.steps.StepReplay;
import org.escapement.host.motion.steps.StepperKinematics;
import org.junit.jupiter.api.Test;

/**
 * The steps each new kinematics produces, against the ideal: the moments the stepper's
 * geometric position (computed here from the textbook formula, not by the class under test)
 * crosses each half-step boundary. Every step must be there, in its direction, and sent at
 * most 25 µs early and never late.
 */
class StepTimingTest {
  static final double FREQ = 16e6;
  static final int MAX_ERROR_TICKS = 400; // 25 µs at 16 MHz
  static final double SAMPLE_TIME = 0.000001;

  /** A straight move with a trapezoidal speed profile. */
  record Segment(double[] from, double[] to, double speed, double accel) {}

  static Segment seg(double[] from, double[] to, double speed) {
    return new Segment(from, to, speed, 3000);
  }

  static double[] p(double x, double y, double z) {
    return new double[] {x, y, z};
  }

  /** Queues the segments with 5 ms of standstill between them; returns the end time. */
  static double queue(Trapq tq, List<Segment> segments) {
    double t = 0.1;
    for (Segment s : segments) {
      double[] d = new double[3];
      double len = 0;
      for (int i = 0; i < 3; i++) {
        d[i] = s.to()[i] - s.from()[i];
        len += d[i] * d[i];
      }
      len = Math.sqrt(len);
      double v = Math.min(s.speed(), Math.sqrt(len * s.accel()));
      double accelT = v / s.accel();
      double cruiseT = (len - v * accelT) / v;
      tq.append(t, accelT, cruiseT, accelT, s.from()[0], s.from()[1], s.from()[2],
          d[0] / len, d[1] / len, d[2] / len, 0, v, s.accel());
      t += 2 * accelT + cruiseT + 0.005;
    }
    return t;
  }

  /** The toolhead position at {@code t}, from the trapq's pieces. */
  static double[] headAt(Trapq tq, double t) {
    for (TrapqMove m : tq.moves()) {
      if (t >= m.printTime && t < m.endTime()) {
        double mt = t - m.printTime;
        return p(m.x(mt), m.y(mt), m.z(mt));
      }
    }
    throw new AssertionError("no piece at " + t);
  }

  /** Ideal step times (s) and directions (+1/-1) from sampling the formula. */
  static List<double[]> idealSteps(Trapq tq, double end, ToDoubleFunction<double[]> formula,
      boolean angle, double stepDist) {
    List<double[]> steps = new ArrayList<>();
    double t = 0.1;
    double prev = formula.applyAsDouble(headAt(tq, t));
    double origin = prev;
    long n = 0; // steps taken so far (net)
    while (t + SAMPLE_TIME < end) {
      double nt = t + SAMPLE_TIME;
      double pos = unwrap(formula.applyAsDouble(headAt(tq, nt)), prev, angle);
      double up = origin + (n + 0.5) * stepDist;
      double down = origin + (n - 0.5) * stepDist;
      if (pos >= up || pos <= down) {
        double target = pos >= up ? up : down;
        int dir = pos >= up ? 1 : -1;
        // Bisect for the crossing inside this sample interval (steps are far apart).
        double lo = t;
        double hi = nt;
        while (hi - lo > 1e-10) {
          double mid = 0.5 * (lo + hi);
          double mp = unwrap(formula.applyAsDouble(headAt(tq, mid)), prev, angle);
          if ((mp - target) * dir >= 0) {
            hi = mid;
          } else {
            lo = mid;
          }
        }
        steps.add(new double[] {hi, dir});
        n += dir;
        continue; // look again from the same sample: another boundary may be crossed
      }
      prev = pos;
      t = nt;
    }
    return steps;
  }

  private static double unwrap(double a, double near, boolean angle) {
    if (!angle) {
      return a;
    }
    while (a - near > Math.PI) {
      a -= 2 * Math.PI;
    }
    while (a - near < -Math.PI) {
      a += 2 * Math.PI;
    }
    return a;
  }

  /** Step clocks (signed by direction) the commands make the MCU produce. */
  static List<long[]> decode(Iterable<StepMessage> messages) {
    List<long[]> out = new ArrayList<>();
    StepReplay replay = new StepReplay();
    int[] dir = {0};
    LongConsumer step = clock -> out.add(new long[] {clock, dir[0] != 0 ? 1 : -1});
    for (StepMessage m : messages) {
      switch (m.kind()) {
        case RESET_CLOCK -> replay.reset(m.a());
        case SET_DIR -> dir[0] = (int) m.a();
        case QUEUE_STEP -> replay.queueStep(m.a(), (int) m.b(), m.c(), 0, step);
        case QUEUE_STEP2 -> replay.queueStep2(m.a(), (int) m.b(), m.c(), m.d(), step);
      }
    }
    return out;
  }

  static void assertStepsOnTime(Supplier<StepperKinematics> sk, double stepDist,
      List<Segment> segments, ToDoubleFunction<double[]> formula, boolean angle) {
    assertStepsOnTime(sk.get(), stepDist, segments, formula, angle, false);
    assertStepsOnTime(sk.get(), stepDist, segments, formula, angle, true);
  }

  /** The same with queue_step (Klipper's firmware) or queue_step2 (ours). */
  static void assertStepsOnTime(StepperKinematics sk, double stepDist, List<Segment> segments,
      ToDoubleFunction<double[]> formula, boolean angle, boolean queueStep2) {
    Trapq tq = new Trapq();
    double end = queue(tq, segments);
    sk.setTrapq(tq, stepDist);
    double[] start = segments.get(0).from();
    sk.setPosition(start[0], start[1], start[2]);
    StepCompress sc = new StepCompress("test");
    sc.setup(MAX_ERROR_TICKS, queueStep2 ? new CubicCompressor(MAX_ERROR_TICKS)
        : new BisectCompressor(MAX_ERROR_TICKS), queueStep2);
    sc.setTime(0, FREQ);
    IterSolve.generateSteps(sk, sc, end + 0.1);
    sc.flush(Long.MAX_VALUE);
    List<long[]> actual = decode(sc.messages());
    List<double[]> ideal = idealSteps(tq, end + 0.05, formula, angle, stepDist);
    assertThat(ideal).as("the test moves must step this stepper").hasSizeGreaterThan(100);
    assertThat(actual).as("step count").hasSameSizeAs(ideal);
    if (queueStep2) {
      assertThat(sc.messages()).as("queue_step2 used").anyMatch(
          m -> m.kind() == StepMessage.Kind.QUEUE_STEP2 && m.d() != 0);
    }
    for (int i = 0; i < ideal.size(); i++) {
      double idealTicks = ideal.get(i)[0] * FREQ;
      long got = actual.get(i)[0];
      assertThat(actual.get(i)[1]).as("direction of step %d", i).isEqualTo((long) ideal.get(i)[1]);
      assertThat((double) got).as("step %d (ideal %.1f ticks)", i, idealTicks)
          .isLessThanOrEqualTo(idealTicks + 1)
          .isGreaterThanOrEqualTo(idealTicks - MAX_ERROR_TICKS - 1);
    }
  }

  // The example configs' geometry.
  static final double DELTA_RADIUS = 174.75;
  static final double DELTA_ARM = 333.0;
  static final double LINEAR_STEP = 40.0 / 3200;

  @Test
  void deltaTowerCarriagesStepOnTime() {
    List<Segment> moves = List.of(seg(p(0, 0, 20), p(60, 40, 10), 200),
        seg(p(60, 40, 10), p(-80, 30, 30), 300), seg(p(-80, 30, 30), p(0, -140, 5), 150),
        seg(p(0, -140, 5), p(0, 0, 100), 100));
    for (double angleDeg : new double[] {210, 330, 90}) {
      double tx = Math.cos(Math.toRadians(angleDeg)) * DELTA_RADIUS;
      double ty = Math.sin(Math.toRadians(angleDeg)) * DELTA_RADIUS;
      assertStepsOnTime(() -> new DeltaStepper(DELTA_ARM * DELTA_ARM, tx, ty), LINEAR_STEP, moves,
          h -> Math.sqrt(DELTA_ARM * DELTA_ARM - (tx - h[0]) * (tx - h[0])
              - (ty - h[1]) * (ty - h[1])) + h[2], false);
    }
  }

  @Test
  void deltesianPillarsStepOnTime() {
    double arm = 217;
    double armX = 160;
    List<Segment> moves = List.of(seg(p(0, 0, 20), p(40, 10, 5), 200),
        seg(p(40, 10, 5), p(-45, 10, 60), 300), seg(p(-45, 10, 60), p(0, 0, 20), 100));
    for (double pivot : new double[] {-armX, armX}) {
      assertStepsOnTime(() -> new DeltesianStepper(arm * arm, pivot), LINEAR_STEP, moves,
          h -> Math.sqrt(arm * arm - (h[0] - pivot) * (h[0] - pivot)) + h[2], false);
    }
  }

  @Test
  void polarArmStepsOnTime() {
    List<Segment> moves = List.of(seg(p(10, 0, 0), p(-10, 2, 0), 100),
        seg(p(-10, 2, 0), p(-10, -50, 0), 200), seg(p(-10, -50, 0), p(80, 60, 0), 300));
    assertStepsOnTime(() -> PolarStepper.radius(), LINEAR_STEP, moves,
        h -> Math.hypot(h[0], h[1]), false);
  }

  @Test
  void polarBedTurnsThroughTheHalfTurnWithoutAJumpAndStepsOnTime() {
    // Passing behind the centre crosses atan2's ±π seam; passing close by turns fast.
    double bedStep = 2 * Math.PI / (200 * 16 * 80.0 / 16);
    List<Segment> moves = List.of(seg(p(-20, 15, 0), p(-20, -15, 0), 100),
        seg(p(-20, -15, 0), p(-20, 15, 0), 100), seg(p(-20, 15, 0), p(-20, -15, 0), 100),
        seg(p(-20, -15, 0), p(30, 1, 0), 100), seg(p(30, 1, 0), p(-30, 3, 0), 50),
        seg(p(-30, 3, 0), p(-30, -40, 0), 100), seg(p(-30, -40, 0), p(25, 25, 0), 100));
    assertStepsOnTime(() -> PolarStepper.angle(), bedStep, moves,
        h -> Math.atan2(h[1], h[0]), true);
  }

  @Test
  void winchCablesStepOnTime() {
    double[][] anchors = {{0, -2000, -100}, {2000, 1000, -100}, {0, 0, 3000}};
    List<Segment> moves = List.of(seg(p(0, 0, 0), p(50, 20, 10), 200),
        seg(p(50, 20, 10), p(-40, -30, 60), 300));
    for (double[] a : anchors) {
      assertStepsOnTime(() -> new WinchStepper(a[0], a[1], a[2]), LINEAR_STEP, moves,
          h -> Math.sqrt((a[0] - h[0]) * (a[0] - h[0]) + (a[1] - h[1]) * (a[1] - h[1])
              + (a[2] - h[2]) * (a[2] - h[2])), false);
    }
  }

  @Test
  void rotaryDeltaShouldersStepOnTime() {
    double sr = 33.9;
    double sh = 412.9;
    double upper = 170;
    double lower = 320;
    double stepRad = 2 * Math.PI / (200 * 16 * (107.0 / 16) * (60.0 / 16));
    List<Segment> moves = List.of(seg(p(0, 0, 20), p(60, 10, 5), 150),
        seg(p(60, 10, 5), p(-40, -50, 40), 200));
    for (double angleDeg : new double[] {30, 150, 270}) {
      double a = Math.toRadians(angleDeg);
      assertStepsOnTime(() -> new RotaryDeltaStepper(sr, sh, a, upper, lower), stepRad, moves,
          h -> shoulderAngle(h, a, sr, sh, upper, lower), false);
    }
  }

  /**
   * The upper arm angle by brute geometry: the elbow is on the upper arm's circle and a lower
   * arm's length from the effector; of the two such points take the outer one (larger x in
   * the shoulder's frame), found by solving the circle-sphere intersection directly.
   */
  static double shoulderAngle(double[] h, double a, double sr, double sh, double upper,
      double lower) {
    // Effector in the shoulder frame: u outward from the centre, w up, v across.
    double u = h[0] * Math.cos(a) + h[1] * Math.sin(a) - sr;
    double v = h[1] * Math.cos(a) - h[0] * Math.sin(a);
    double w = h[2] - sh;
    // Elbow (upper cos θ, upper sin θ, 0): |elbow - effector|² = lower²
    // => u cos θ + w sin θ = (upper² + u² + v² + w² - lower²) / (2 upper) = k
    double k = (upper * upper + u * u + v * v + w * w - lower * lower) / (2 * upper);
    double r = Math.hypot(u, w);
    double phi = Math.atan2(w, u);
    double delta = Math.acos(k / r);
    // Two solutions phi ± delta; the elbow points outwards (the larger cos θ·... branch).
    double t1 = phi + delta;
    double t2 = phi - delta;
    return Math.cos(t1) >= Math.cos(t2) ? t1 : t2;
  }
}
