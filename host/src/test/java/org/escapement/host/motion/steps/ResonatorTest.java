package org.escapement.host.motion.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The toolhead's X position over a 20 mm square (each side from rest to rest, 100 mm/s,
 * 3000 mm/s^2), as the X stepper's kinematics make it, drives a spring-mass resonator at
 * 50 Hz with damping ratio 0.1: {@code y'' + 2 zeta w y' + w^2 y = w^2 x}, and, for a shaper
 * tuned 10% off, at 45 and 55 Hz. The ringing left when the motion has stopped, relative to
 * the ringing of the unshaped square (each taken at the moment its commanded motion ends),
 * must be the residual vibration each shaper promises.
 */
class ResonatorTest {
  static final double FREQ = 50;
  static final double DAMPING = 0.1;
  static final double DT = 1e-5;

  static ShapedPaths square() {
    // The last side moves X, so X's ringing is measured right after X stops.
    return new ShapedPaths().moveTo(0, 20, 100, 3000).moveTo(20, 20, 100, 3000)
        .moveTo(20, 0, 100, 3000).moveTo(0, 0, 100, 3000);
  }

  /**
   * Runs the resonator (RK4) until {@code probe} and returns its ringing amplitude there:
   * the envelope of the free decay around the final position.
   */
  static double ringingAt(ShapedPaths path, StepperKinematics k, double freq, double from,
      double probe) {
    double w = 2 * Math.PI * freq;
    double wd = w * Math.sqrt(1 - DAMPING * DAMPING);
    double y = path.position(k, from);
    double v = 0;
    double t = from;
    double xNow = y;
    while (t < probe) {
      double xMid = path.position(k, t + DT / 2);
      double xEnd = path.position(k, t + DT);
      // y'' = w^2 (x - y) - 2 zeta w y'
      double k1y = v;
      double k1v = w * w * (xNow - y) - 2 * DAMPING * w * v;
      double k2y = v + DT / 2 * k1v;
      double k2v = w * w * (xMid - (y + DT / 2 * k1y)) - 2 * DAMPING * w * k2y;
      double k3y = v + DT / 2 * k2v;
      double k3v = w * w * (xMid - (y + DT / 2 * k2y)) - 2 * DAMPING * w * k3y;
      double k4y = v + DT * k3v;
      double k4v = w * w * (xEnd - (y + DT * k3y)) - 2 * DAMPING * w * k4y;
      y += DT / 6 * (k1y + 2 * k2y + 2 * k3y + k4y);
      v += DT / 6 * (k1v + 2 * k2v + 2 * k3v + k4v);
      xNow = xEnd;
      t += DT;
    }
    double e = y - path.x;
    return Math.hypot(e, (v + DAMPING * w * e) / wd);
  }

  @Test
  void eachShaperLeavesTheRingingItPromises() {
    ShapedPaths path = square();
    double probe = path.time + 0.06; // after every shaper's tail
    double[] resonances = {FREQ, 0.9 * FREQ, 1.1 * FREQ};
    double[] reference = new double[resonances.length];
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "residual vibration of shapers tuned to %.0f Hz, damping %.1f; resonator at"
        + " 50 / 45 / 55 Hz%n", FREQ, DAMPING));
    for (int r = 0; r < resonances.length; r++) {
      double decay = 2 * Math.PI * resonances[r] * DAMPING;
      double unshaped = ringingAt(path, ShapedPaths.xStepper(null), resonances[r],
          path.start - 0.1, probe);
      // Back to the end of the unshaped motion: the reference ringing, about a / w^2.
      reference[r] = unshaped * Math.exp(decay * (probe - path.time));
      assertThat(reference[r]).as("unshaped ringing (mm)").isGreaterThan(0.005);
    }
    for (Shapers.Type type : Shapers.TYPES) {
      Shapers.Shaper shaper = Shapers.create(type.name(), FREQ, DAMPING);
      StepperKinematics k = ShapedPaths.xStepper(shaper);
      table.append(String.format(Locale.ROOT, "  %-10s", type.name()));
      for (int r = 0; r < resonances.length; r++) {
        double decay = 2 * Math.PI * resonances[r] * DAMPING;
        double ringing = ringingAt(path, k, resonances[r], path.start - 0.1, probe);
        // The shaped motion ends genStepsPostActive later: take its ringing there.
        double end = path.time + k.genStepsPostActive();
        double measured = ringing * Math.exp(decay * (probe - end)) / reference[r];
        double promised = Shapers.residualVibration(shaper, resonances[r], DAMPING);
        table.append(String.format(Locale.ROOT, "  %.4f (promised %.4f)", measured,
            promised));
        assertThat(measured).as(type.name() + " at " + resonances[r] + " Hz")
            .isCloseTo(promised, within(Math.max(2e-4, 0.02 * promised)));
      }
      table.append('\n');
    }
    System.out.print(table);
  }
}
