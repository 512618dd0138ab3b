package org.escapement.host.motion.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.escapement.host.motion.TrapqMove;
import org.escapement.host.motion.kinematics.LinearStepper;
import org.junit.jupiter.api.Test;

/**
 * A shaped CoreXY stepper's position against the definition: each axis replaced by the
 * weighted sum of itself at the impulse times (reversed and centred on their weighted mean),
 * evaluated piece by piece, whether the solver asks in order or jumps about.
 */
class InputShaperKinematicsTest {
  /** sum of (a_i / sum a) * coordinate(T - t_i + mean t) over the textbook impulses. */
  static double shapedAxis(ShapedPaths path, char axis, Shapers.Pulses p, double time) {
    double sum = 0;
    double mean = 0;
    for (int i = 0; i < p.a().length; i++) {
      sum += p.a()[i];
      mean += p.a()[i] * p.t()[i];
    }
    mean /= sum;
    double res = 0;
    for (int i = 0; i < p.a().length; i++) {
      res += p.a()[i] / sum * path.position(LinearStepper.axis(axis), time - p.t()[i] + mean);
    }
    return res;
  }

  @Test
  void shapedPositionIsTheWeightedSumOfShiftedPositions() {
    Random rnd = new Random(3);
    ShapedPaths path = new ShapedPaths();
    for (int i = 0; i < 40; i++) {
      path.moveTo(rnd.nextDouble() * 50, rnd.nextDouble() * 50, 20 + rnd.nextDouble() * 200,
          1000 + rnd.nextDouble() * 5000);
      if (rnd.nextDouble() < 0.2) {
        path.pause(rnd.nextDouble() * 0.05);
      }
    }
    Shapers.Pulses px = Shapers.pulses("mzv", 52.4, 0.1);
    Shapers.Pulses py = Shapers.pulses("ei", 41.8, 0.1);
    InputShaperKinematics a = new InputShaperKinematics(new LinearStepper(1, 1, 0));
    a.setTrapq(path.trapq, 0.0125);
    assertThat(a.setShaper(0, px)).isTrue();
    assertThat(a.setShaper(1, py)).isTrue();
    double from = path.start + 0.05;
    double to = path.time - 0.05;
    // In order, in small steps (as the solver asks), then at random times.
    double[] times = new double[4000];
    for (int i = 0; i < 2000; i++) {
      times[i] = from + (to - from) * i / 2000.0;
    }
    for (int i = 2000; i < times.length; i++) {
      times[i] = from + rnd.nextDouble() * (to - from);
    }
    for (double time : times) {
      double expected = shapedAxis(path, 'x', px, time) + shapedAxis(path, 'y', py, time);
      assertThat(path.position(a, time)).as("at %s", time).isCloseTo(expected, within(1e-9));
    }
  }

  @Test
  void aPointOffTheTrapqIsNotTakenFromTheCache() {
    ShapedPaths path = new ShapedPaths().moveTo(100, 0, 100, 3000).pause(0.1);
    path.moveTo(0, 0, 100, 3000);
    InputShaperKinematics x = new InputShaperKinematics(LinearStepper.axis('x'));
    x.setTrapq(path.trapq, 0.0125);
    x.setShaper(0, Shapers.pulses("zv", 40, 0.1));
    double time = path.start + 1.05; // at rest at X=100
    assertThat(path.position(x, time)).isCloseTo(100, within(1e-9));
    // A free-standing point at the same print time is where it says.
    TrapqMove point = TrapqMove.at(30, 0, 0);
    assertThat(x.calcPosition(point, time - point.printTime)).isCloseTo(30, within(1e-9));
  }

  @Test
  void aJumpToAPositionIsNotBridgedByTheCache() {
    // A long move, cut short (as homing cuts one when the endstop triggers) and followed by a
    // move back from where it stopped.
    ShapedPaths path = new ShapedPaths().moveTo(200, 0, 100, 3000);
    InputShaperKinematics x = new InputShaperKinematics(LinearStepper.axis('x'));
    x.setTrapq(path.trapq, 0.0125);
    x.setShaper(0, Shapers.pulses("zv", 40, 0.1));
    double cut = path.start + 1.0; // cruising at 100 mm/s
    double before = path.position(x, cut - 0.0005);
    double stop = path.position(LinearStepper.axis('x'), cut);
    path.trapq.setPosition(cut, stop, 0, 0);
    path.trapq.append(cut, 0.02, 0.1, 0.02, stop, 0, 0, -1, 0, 0, 0, 60, 3000);
    Shapers.Pulses zv = Shapers.pulses("zv", 40, 0.1);
    double after = cut + 0.0005;
    assertThat(path.position(x, after)).isCloseTo(shapedAxis(path, 'x', zv, after),
        within(1e-9));
    assertThat(path.position(x, after)).isLessThan(before + 0.0005 * 100);
  }
}
