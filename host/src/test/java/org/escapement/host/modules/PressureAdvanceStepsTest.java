package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Locale;
import org.escapement.host.motion.MotionRun;
import org.escapement.host.motion.StepTimeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pressure advance seen in the steps sent: during a 100 mm extruding move at 100 mm/s with
 * extrude ratio 0.05 (filament at 5 mm/s), the extruder motor (PA4, 3200/33.5 steps per mm)
 * leads the nominal filament position by K times 5 mm/s, and ends where the nominal one ends.
 * X (PF0) has 80 steps per mm.
 */
class PressureAdvanceStepsTest {
  static final double E_STEPS_PER_MM = 3200 / 33.5;
  static final double X_STEPS_PER_MM = 80;
  @TempDir Path tmp;

  /** Net steps after MCU clock {@code clock}, counted positive in the move's direction. */
  static long stepsAfter(StepTimeline.Steps s, long clock, int forwardDir) {
    long n = 0;
    for (int i = 0; i < s.clocks.size(); i++) {
      if (s.clocks.get(i) > clock) {
        n += s.dirs.get(i) == forwardDir ? 1 : -1;
      }
    }
    return n;
  }

  /** The clock at which X (moving +) passes {@code x}, knowing it ends at 110. */
  static long clockAtX(StepTimeline.Steps xs, double x) {
    long remaining = Math.round((110 - x) * X_STEPS_PER_MM);
    int forward = xs.dirs.get(xs.dirs.size() - 1);
    // Walk back from the last step: the last time X was there (homing passed it too).
    long after = 0;
    for (int i = xs.clocks.size() - 1; i > 0; i--) {
      if (after == remaining) {
        return xs.clocks.get(i);
      }
      after += xs.dirs.get(i) == forward ? 1 : -1;
    }
    throw new AssertionError("X never at " + x);
  }

  /** Lead of the E motor over the nominal filament position at X = 30, 60, 90, and the end. */
  double[] leads(String pa) throws Exception {
    MotionRun r = MotionRun.run(tmp, ExtruderStepperModuleTest.extrudersCfg(),
        "SYNC_EXTRUDER_MOTION EXTRUDER=my_extra_stepper MOTION_QUEUE=\n"
        + "G28\nG1 X10 Y10 F6000\n" + pa + "G1 X110 E5 F6000\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    StepTimeline.Steps xs = r.steps().get("PF0");
    StepTimeline.Steps es = r.steps().get("PA4");
    int eForward = es.dirs.get(es.dirs.size() / 2);
    double[] out = new double[4];
    double[] at = {30, 60, 90};
    for (int i = 0; i < at.length; i++) {
      long clock = clockAtX(xs, at[i]);
      double e = 5 - stepsAfter(es, clock, eForward) / E_STEPS_PER_MM;
      double nominal = 0.05 * (at[i] - 10);
      out[i] = e - nominal;
    }
    long net = 0;
    for (int d : es.dirs) {
      net += d == eForward ? 1 : -1;
    }
    out[3] = net / E_STEPS_PER_MM - 5;
    System.out.printf(Locale.ROOT, "%-40s lead at X=30/60/90: %.4f %.4f %.4f mm, at the end"
        + " %.4f mm%n", pa.strip().isEmpty() ? "(no pressure advance)" : pa.strip(), out[0],
        out[1], out[2], out[3]);
    return out;
  }

  @Test
  void theMotorLeadsByAdvanceTimesFilamentVelocityAndEndsOnTheNominalPosition()
      throws Exception {
    double step = 1 / E_STEPS_PER_MM + 1 / X_STEPS_PER_MM * 0.05;
    double[] none = leads("");
    double[] pa = leads("SET_PRESSURE_ADVANCE ADVANCE=0.1 SMOOTH_TIME=0.04\n");
    double[] strong = leads("SET_PRESSURE_ADVANCE ADVANCE=0.3 SMOOTH_TIME=0.02\n");
    for (int i = 0; i < 3; i++) {
      assertThat(none[i]).isCloseTo(0, within(step));
      assertThat(pa[i]).isCloseTo(0.1 * 5, within(step));
      assertThat(strong[i]).isCloseTo(0.3 * 5, within(step));
    }
    assertThat(none[3]).isCloseTo(0, within(1 / E_STEPS_PER_MM));
    assertThat(pa[3]).isCloseTo(0, within(1 / E_STEPS_PER_MM));
    assertThat(strong[3]).isCloseTo(0, within(1 / E_STEPS_PER_MM));
  }
}
