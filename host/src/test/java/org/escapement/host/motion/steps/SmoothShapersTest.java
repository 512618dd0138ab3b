package org.escapement.host.motion.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The smooth (continuous kernel) shapers: the conditions they are derived from hold. */
class SmoothShapersTest {
  static final String[] SMOOTH = {"smooth_zv", "smooth_mzv", "smooth_ei"};

  static Shapers.Kernel kernel(String type, double freq, double damping) {
    return (Shapers.Kernel) Shapers.create(type, freq, damping);
  }

  @Test
  void kernelsHaveUnitAreaAndVanishAtBothEnds() {
    for (String type : SMOOTH) {
      Shapers.Kernel k = kernel(type, 50, 0.1);
      double area = 0;
      int n = 10000;
      for (int i = 0; i < n; i++) {
        area += k.weight((i + 0.5) * k.duration() / n) * k.duration() / n;
      }
      assertThat(area).as(type + " area").isCloseTo(1.0, within(1e-6));
      assertThat(k.weight(0)).as(type).isCloseTo(0, within(1e-9));
      assertThat(k.weight(k.duration())).as(type).isCloseTo(0, within(1e-9));
    }
  }

  @Test
  void kernelsAreNowhereNegativeUpToTheDefaultDamping() {
    for (String type : SMOOTH) {
      for (double damping : new double[] {0, 0.05, 0.1}) {
        Shapers.Kernel k = kernel(type, 40, damping);
        double peak = 0;
        double low = 0;
        for (int i = 0; i <= 1000; i++) {
          double w = k.weight(i * k.duration() / 1000);
          peak = Math.max(peak, w);
          low = Math.min(low, w);
        }
        assertThat(low / peak).as(type + " at damping " + damping).isGreaterThan(-1e-3);
      }
    }
  }

  @Test
  void durationsAreInDampedPeriods() {
    double damped = 1 / (50 * Math.sqrt(1 - 0.01));
    assertThat(kernel("smooth_zv", 50, 0.1).duration()).isCloseTo(0.8 * damped, within(1e-12));
    assertThat(kernel("smooth_mzv", 50, 0.1).duration()).isCloseTo(1.3 * damped,
        within(1e-12));
  }

  @Test
  void zvAndMzvLeaveNoVibrationAtTheirFrequencyAndMzvHasTheWiderNotch() {
    for (double damping : new double[] {0, 0.1, 0.2}) {
      assertThat(Shapers.residualVibration(kernel("smooth_zv", 50, damping), 50, damping))
          .isLessThan(1e-6);
      assertThat(Shapers.residualVibration(kernel("smooth_mzv", 50, damping), 50, damping))
          .isLessThan(1e-6);
    }
    // 10% off the frequency the flat notch of smooth_mzv keeps far less vibration.
    double zvOff = Shapers.residualVibration(kernel("smooth_zv", 50, 0.1), 55, 0.1);
    double mzvOff = Shapers.residualVibration(kernel("smooth_mzv", 50, 0.1), 55, 0.1);
    assertThat(mzvOff).isLessThan(zvOff / 5);
  }

  @Test
  void eiKeepsVibrationUnderFivePercentBetweenItsTwoZeros() {
    Shapers.Kernel k = kernel("smooth_ei", 50, 0.1);
    assertThat(Shapers.residualVibration(k, 50 * 0.85, 0.1)).isLessThan(1e-6);
    assertThat(Shapers.residualVibration(k, 50 * 1.15, 0.1)).isLessThan(1e-6);
    for (double f = 50 * 0.85; f <= 50 * 1.15; f += 0.25) {
      assertThat(Shapers.residualVibration(k, f, 0.1)).as("at %.2f Hz", f).isLessThan(0.05);
    }
  }

  @Test
  void smoothShapersAreKnownTypesAndTakeNoParameters() {
    for (String type : SMOOTH) {
      assertThat(Shapers.type(type)).isNotNull();
    }
    assertThatThrownBy(() -> Shapers.create("smooth_zv(2)", 50, 0.1))
        .hasMessage("Unsupported shaper type: smooth_zv(2)");
  }

  @Test
  void residualVibrationOfPulseShapersMatchesTheirDesign() {
    // ZV and MZV place an exact zero at their frequency; EI keeps 5% there by design
    // (V tolerance 1/20) when the damping matches.
    assertThat(Shapers.residualVibration(Shapers.create("zv", 50, 0.1), 50, 0.1))
        .isLessThan(1e-4);
    assertThat(Shapers.residualVibration(Shapers.create("mzv", 50, 0.1), 50, 0.1))
        .isLessThan(1e-4);
    assertThat(Shapers.residualVibration(Shapers.create("ei", 50, 0.1), 50, 0.1))
        .isLessThan(0.06);
  }
}
