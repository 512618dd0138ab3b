package org.escapement.host.motion.kinematics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TrilaterationTest {
  static double dist2(double[] a, double[] b) {
    return (a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1])
        + (a[2] - b[2]) * (a[2] - b[2]);
  }

  @Test
  void findsThePointBelowCounterClockwiseCentresFromItsDistances() {
    double[][] towers = {{-151.3, -87.4, 500}, {151.3, -87.4, 480}, {0, 174.75, 510}};
    Random random = new Random(6);
    for (int i = 0; i < 1000; i++) {
      double[] p = {random.nextDouble() * 300 - 150, random.nextDouble() * 300 - 150,
          random.nextDouble() * 300};
      double[] r2 = {dist2(towers[0], p), dist2(towers[1], p), dist2(towers[2], p)};
      double[] found = Trilateration.solve(towers, r2);
      for (int k = 0; k < 3; k++) {
        assertThat(found[k]).isCloseTo(p[k], within(1e-8));
      }
    }
  }

  @Test
  void spheresThatDoNotMeetGiveNan() {
    double[][] c = {{0, 0, 0}, {10, 0, 0}, {0, 10, 0}};
    assertThat(Trilateration.solve(c, new double[] {1, 1, 1})[2]).isNaN();
  }

  @Test
  void pointsOnOneLineCannotFixAPosition() {
    assertThat(Trilateration.independent(new double[][] {{0, 0, 0}, {1, 1, 1}, {2, 2, 2}}))
        .isFalse();
    assertThat(Trilateration.independent(new double[][] {{0, 0, 0}, {0, 0, 0}, {2, 0, 0}}))
        .isFalse();
    assertThat(Trilateration.independent(new double[][] {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}}))
        .isTrue();
  }
}
