package org.escapement.host.motion.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Shaper impulses against the published worked values at 50 Hz, damping 0.1. */
class ShapersTest {
  static void check(String type, double[] a, double[] tMs) {
    Shapers.Pulses p = Shapers.pulses(type, 50, 0.1);
    assertThat(p.a()).as(type + " amplitudes").containsExactly(a, within(0.00001));
    double[] ms = new double[p.size()];
    for (int i = 0; i < ms.length; i++) {
      ms[i] = p.t()[i] * 1000;
    }
    assertThat(ms).as(type + " times (ms)").containsExactly(tMs, within(0.001));
  }

  @Test
  void everyShaperMatchesTheWorkedValues() {
    check("zv", new double[] {1, 0.72925}, new double[] {0, 10.05});
    check("mzv", new double[] {0.29289, 0.32687, 0.18240}, new double[] {0, 7.538, 15.076});
    check("zvd", new double[] {1, 1.4585, 0.5318}, new double[] {0, 10.05, 20.10});
    check("ei", new double[] {0.35488, 0.45300, 0.19212}, new double[] {0, 10.145, 20.101});
    check("2hump_ei", new double[] {0.25867, 0.36012, 0.27290, 0.10882},
        new double[] {0, 10.318, 20.164, 29.779});
    check("3hump_ei", new double[] {0.22085, 0.27721, 0.25970, 0.16706, 0.07518},
        new double[] {0, 10.81, 20.561, 30.118, 39.659});
  }

  @Test
  void generalisedMzvForms() {
    // The classic MZV is the generalised one with n = 3, t = 0.75.
    Shapers.Pulses classic = Shapers.pulses("mzv", 50, 0.1);
    Shapers.Pulses explicit = Shapers.pulses("mzv(3, 0.75)", 50, 0.1);
    assertThat(explicit.a()).containsExactly(classic.a(), within(1e-9));
    Shapers.Pulses five = Shapers.pulses("mzv(5, 0.6)", 50, 0.0);
    double sum = 0;
    for (double v : five.a()) {
      assertThat(v).isGreaterThanOrEqualTo(-1e-5);
      sum += v;
    }
    assertThat(sum).as("undamped amplitudes sum to 1").isCloseTo(1.0, within(1e-9));
    assertThat(five.t()[4]).isCloseTo(0.6 / 50, within(1e-12));
    assertThat(Shapers.pulses("mzv(tau=0.7)", 50, 0.1).size()).isEqualTo(3);
    assertThat(Shapers.pulses("ei(v_tol=0.02)", 39.3, 0.4).size()).isEqualTo(3);
  }

  @Test
  void badShapersSayWhy() {
    assertThatThrownBy(() -> Shapers.pulses("mzv(2, 0.5)", 50, 0.1))
        .hasMessage("Too small n=2, must be at least 3");
    assertThatThrownBy(() -> Shapers.pulses("mzv(3, 1.5)", 50, 0.1))
        .hasMessage("Too large t=1.500000 for n=3, must be less than 1.000000");
    assertThatThrownBy(() -> Shapers.pulses("mzv(3, tau=0.5)", 50, 0.1))
        .hasMessage("Mixing named and non-named shaper parameters is not supported");
    assertThat(Shapers.type("bogus")).isNull();
  }

  @Test
  void shapingKeepsConstantVelocityMotionAndTheTotalMove() {
    // A long constant-velocity piece: the shaped position equals the unshaped one.
    org.escapement.host.motion.Trapq tq = new org.escapement.host.motion.Trapq();
    tq.append(1.0, 0, 2.0, 0, 10, 0, 0, 1, 0, 0, 0, 50, 0);
    org.escapement.host.motion.kinematics.LinearStepper x =
        org.escapement.host.motion.kinematics.LinearStepper.axis('x');
    InputShaperKinematics shaped = new InputShaperKinematics(x);
    for (String type : new String[] {"zv", "mzv", "ei", "2hump_ei", "3hump_ei"}) {
      Shapers.Pulses p = Shapers.pulses(type, 40, 0.1);
      shaped.setShaper(0, p.a(), p.t());
      org.escapement.host.motion.TrapqMove cruise = tq.moves().get(2);
      for (double t = 0.1; t < 1.9; t += 0.1) {
        assertThat(shaped.calcPosition(cruise, t)).as(type + " at " + t)
            .isCloseTo(x.calcPosition(cruise, t), within(1e-9));
      }
      // Long after the move, the shaped position is where the move ended.
      org.escapement.host.motion.TrapqMove after = tq.moves().get(3);
      assertThat(shaped.calcPosition(after, 1.0)).isCloseTo(110.0, within(1e-9));
    }
  }
}
