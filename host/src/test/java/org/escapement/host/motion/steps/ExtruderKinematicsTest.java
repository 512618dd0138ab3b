package org.escapement.host.motion.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.escapement.host.motion.Trapq;
import org.escapement.host.motion.TrapqMove;
import org.junit.jupiter.api.Test;

/**
 * The extruder motor position with pressure advance against the definition, integrated
 * numerically: the advanced filament position averaged under a tent of half width h.
 */
class ExtruderKinematicsTest {
  /** Random extrusion moves, some retracting, some with the head still (no advance). */
  static Trapq randomMoves(Random rnd, int count) {
    return randomMoves(rnd, count, 100);
  }

  static Trapq randomMoves(Random rnd, int count, double startE) {
    Trapq tq = new Trapq();
    double time = 0.5;
    double e = startE;
    for (int i = 0; i < count; i++) {
      double accel = 500 + rnd.nextDouble() * 3000;
      double accelT = rnd.nextDouble() < 0.2 ? 0 : rnd.nextDouble() * 0.01;
      double cruiseT = rnd.nextDouble() < 0.3 ? 0 : rnd.nextDouble() * 0.02;
      double decelT = rnd.nextDouble() < 0.2 ? 0 : rnd.nextDouble() * 0.01;
      double startV = rnd.nextDouble() * 2;
      double cruiseV = startV + accel * accelT;
      double dir = rnd.nextDouble() < 0.15 ? -1 : 1;
      double headMoves = dir > 0 ? 1 : 0;
      // As the extruder queues them: direction in the velocities, the head flag in Y.
      tq.append(time, accelT, cruiseT, decelT, e, 0, 0, 1, headMoves, 0, dir * startV,
          dir * cruiseV, dir * accel);
      double dist = (startV + cruiseV) / 2 * accelT + cruiseV * cruiseT
          + (cruiseV - accel * decelT / 2) * decelT;
      e += dir * dist;
      time += accelT + cruiseT + decelT + (rnd.nextDouble() < 0.1 ? 0.03 : 0);
    }
    return tq;
  }

  /** The piece in effect at {@code time}. */
  static TrapqMove pieceAt(List<TrapqMove> moves, double time) {
    for (TrapqMove m : moves) {
      if (m.printTime <= time && time < m.endTime()) {
        return m;
      }
    }
    throw new AssertionError("no piece at " + time);
  }

  /**
   * Definition: the filament position plus advance k(piece start) times velocity on pieces
   * flagged as moving the head, in piece {@code m} (extended past its ends as a polynomial).
   */
  static double advanced(TrapqMove m, double time, double[] changeTimes, double[] advances) {
    double k = 0;
    for (int i = 0; i < changeTimes.length; i++) {
      if (changeTimes[i] <= m.printTime) {
        k = advances[i];
      }
    }
    double u = time - m.printTime;
    double velocity = m.startV + 2 * m.halfAccel * u;
    return m.x(u) + (m.axesRY != 0 ? k * velocity : 0);
  }

  /**
   * Simpson's rule between consecutive breakpoints (piece ends and t itself): the integrand is
   * a cubic there, so the rule is exact, and it works from values only.
   */
  static double numeric(List<TrapqMove> moves, double t, double h, double[] changeTimes,
      double[] advances) {
    java.util.TreeSet<Double> cuts = new java.util.TreeSet<>(List.of(t - h, t, t + h));
    for (TrapqMove m : moves) {
      for (double c : new double[] {m.printTime, m.endTime()}) {
        if (c > t - h && c < t + h) {
          cuts.add(c);
        }
      }
    }
    double sum = 0;
    Double lo = null;
    for (double hi : cuts) {
      if (lo != null && hi > lo) {
        double a = lo;
        double mid = (a + hi) / 2;
        TrapqMove m = pieceAt(moves, mid); // the piece of this whole interval
        sum += (hi - a) / 6 * (tent(m, a, t, h, changeTimes, advances)
            + 4 * tent(m, mid, t, h, changeTimes, advances)
            + tent(m, hi, t, h, changeTimes, advances));
      }
      lo = hi;
    }
    return sum / (h * h);
  }

  static double tent(TrapqMove m, double x, double t, double h, double[] changeTimes,
      double[] advances) {
    return advanced(m, x, changeTimes, advances) * (h - Math.abs(t - x));
  }

  /** What {@code ek} makes of the trapq at print time {@code t}. */
  static double position(ExtruderKinematics ek, List<TrapqMove> moves, double t) {
    TrapqMove m = pieceAt(moves, t);
    return ek.calcPosition(m, t - m.printTime);
  }

  /** The position at {@code t} agrees with the definition to a nanometre. */
  static void assertExact(ExtruderKinematics ek, List<TrapqMove> moves, double t, double h,
      double[] changeTimes, double[] advances) {
    assertThat(position(ek, moves, t)).as("at %s", t)
        .isCloseTo(numeric(moves, t, h, changeTimes, advances), within(1e-9));
  }

  /**
   * The times whose smoothing window (half width {@code h}) stays clear of the first and last
   * moves.
   */
  record Span(double first, double last) {
    static Span inside(List<TrapqMove> moves, double h) {
      return new Span(moves.get(1).printTime + h, moves.get(moves.size() - 2).endTime() - h);
    }

    /** The time a fraction {@code f} of the way from first to last. */
    double at(double f) {
      return first + f * (last - first);
    }
  }

  /** An extruder on {@code tq} with advance {@code k} and half smooth time {@code h}. */
  static ExtruderKinematics extruder(Trapq tq, double k, double h) {
    ExtruderKinematics ek = new ExtruderKinematics();
    ek.setTrapq(tq, 0.01);
    ek.setPressureAdvance(0, k, 2 * h);
    return ek;
  }

  @Test
  void positionIsTheTentAverageOfTheAdvancedFilamentPosition() {
    Random rnd = new Random(7);
    Trapq tq = randomMoves(rnd, 60);
    double h = 0.02;
    ExtruderKinematics ek = extruder(tq, 0.05, h);
    List<TrapqMove> moves = tq.moves();
    Span span = Span.inside(moves, h);
    double[] zero = {0};
    double[] k = {0.05};
    for (int i = 0; i < 300; i++) {
      double t = span.at(rnd.nextDouble());
      // Twice: the second answer comes from the cached piece moments.
      assertExact(ek, moves, t, h, zero, k);
      assertExact(ek, moves, t, h, zero, k);
    }
  }

  @Test
  void anAdvanceChangeAppliesToPiecesStartingFromItsTime() {
    Random rnd = new Random(11);
    Trapq tq = randomMoves(rnd, 60);
    double h = 0.015;
    ExtruderKinematics ek = extruder(tq, 0.04, h);
    List<TrapqMove> moves = tq.moves();
    Span span = Span.inside(moves, h);
    double change = moves.get(moves.size() / 2).printTime;
    // Positions before the change are asked for (and cached) first, as steps would be,
    // and one after the change time, whose answer the change must then alter.
    double before = position(ek, moves, span.first());
    position(ek, moves, span.last());
    ek.setPressureAdvance(change, 0.2, 2 * h);
    double[] times = {0, change};
    double[] ks = {0.04, 0.2};
    assertThat(before).isCloseTo(numeric(moves, span.first(), h, times, ks), within(1e-9));
    assertExact(ek, moves, span.last(), h, times, ks);
    for (int i = 0; i < 200; i++) {
      assertExact(ek, moves, span.at(rnd.nextDouble()), h, times, ks);
    }
  }

  @Test
  void positionsStayExactFarIntoALongPrint() {
    // Four metres of filament in and ten seconds of moves: the running sums restart on the
    // way, and windows across a restart are summed piece by piece.
    Random rnd = new Random(5);
    Trapq tq = randomMoves(rnd, 500, 4000);
    double h = 0.02;
    ExtruderKinematics ek = extruder(tq, 0.05, h);
    List<TrapqMove> moves = tq.moves();
    Span span = Span.inside(moves, h);
    double[] zero = {0};
    double[] k = {0.05};
    // In time order, as steps are generated, then once more at random.
    for (int i = 0; i <= 3000; i++) {
      assertExact(ek, moves, span.at(i / 3000.0), h, zero, k);
    }
    for (int i = 0; i < 300; i++) {
      assertExact(ek, moves, span.at(rnd.nextDouble()), h, zero, k);
    }
  }
}
