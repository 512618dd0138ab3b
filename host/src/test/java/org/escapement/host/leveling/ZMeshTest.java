package org.escapement.host.leveling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Interpolation checked against values worked out by hand. */
class ZMeshTest {
  private static final org.assertj.core.data.Offset<Double> EPS = within(1e-9);

  @Test
  void lagrangeIsExactForAQuadraticBowl() {
    // z = (x/10)^2 + y/10 probed at x, y = 0, 10, 20; one point between probed ones.
    ZMesh m = new ZMesh(new MeshParams(0, 20, 0, 20, 3, 3, 1, 1, "lagrange", .2), "p");
    m.build(new double[][] {{0, 1, 4}, {1, 2, 5}, {2, 3, 6}});
    assertThat(m.meshXCount()).isEqualTo(5);
    assertThat(m.meshMatrix().get(0)).containsExactly(0.0, 0.25, 1.0, 2.25, 4.0);
    assertThat(m.calcZ(5, 5)).isCloseTo(0.25 + 0.5, EPS);
    assertThat(m.calcZ(15, 15)).isCloseTo(2.25 + 1.5, EPS);
    // Between mesh points: bilinear; beyond the mesh: its edge.
    assertThat(m.calcZ(2.5, 0)).isCloseTo(0.125, EPS);
    assertThat(m.calcZ(-50, -50)).isCloseTo(0, EPS);
    assertThat(m.calcZ(90, 0)).isCloseTo(4, EPS);
    assertThat(m.zRange()).containsExactly(0.0, 6.0);
  }

  @Test
  void bicubicFollowsACardinalSplineWithTheTension() {
    // Row 0, 1, 3, 2 at x = 0, 10, 20, 30, tension 0.2. Between 1 and 3 (t = 0.5): tangents
    // 0.2*(3-0) = 0.6 and 0.2*(2-1) = 0.2, so 0.5*1 + 0.5*3 + 0.125*0.6 - 0.125*0.2 = 2.05.
    // The end segments repeat the end point: 0.45 and 2.55.
    ZMesh m = new ZMesh(new MeshParams(0, 30, 0, 30, 4, 4, 1, 1, "bicubic", .2), "p");
    double[] row = {0, 1, 3, 2};
    m.build(new double[][] {row, row, row, row});
    for (var r : m.meshMatrix()) {
      assertThat(r).usingElementComparator((a, b) -> Math.abs(a - b) < 1e-9 ? 0 : 1)
          .containsExactly(0.0, 0.45, 1.0, 2.05, 3.0, 2.55, 2.0);
    }
    assertThat(m.calcZ(15, 7.5)).isCloseTo(2.05, EPS);
  }

  @Test
  void withoutPointsBetweenTheMeshIsTheProbedTable() {
    ZMesh m = new ZMesh(new MeshParams(0, 100, 0, 100, 3, 3, 0, 0, "direct", .2), "p");
    m.build(new double[][] {{0, .5, 1}, {0, .5, 1}, {0, .5, 1}});
    assertThat(m.calcZ(25, 60)).isCloseTo(.25, EPS);
    assertThat(m.zAverage()).isEqualTo(.5);
    m.setZeroReference(50, 50);
    assertThat(m.calcZ(100, 0)).isCloseTo(.5, EPS);
    assertThat(m.probedMatrix().get(0)).containsExactly(-.5, 0.0, .5);
    m.setOffsets(10.0, null);
    assertThat(m.calcZ(40, 0)).isCloseTo(0, EPS);
  }

  @Test
  void roundsAndPrintsAsPython() {
    assertThat(ZMesh.round(2.675, 2)).isEqualTo(2.67); // 2.675 is 2.67499999... in binary
    assertThat(ZMesh.round(0.125, 2)).isEqualTo(0.12); // half to even
    assertThat(Py.repr(10)).isEqualTo("10.0");
    assertThat(Py.repr(0.2)).isEqualTo("0.2");
    assertThat(Py.repr(-0.0125)).isEqualTo("-0.0125");
    assertThat(Py.repr(1e-5)).isEqualTo("1e-05");
    assertThat(Py.repr(123456.5)).isEqualTo("123456.5");
    assertThat(Py.repr(1e22)).isEqualTo("1e+22");
  }
}
