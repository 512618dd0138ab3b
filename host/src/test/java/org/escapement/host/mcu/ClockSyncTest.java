package org.escapement.host.mcu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClockSyncTest {
  /** An MCU whose crystal is off by {@code ppm}, started at host time {@code t0}. */
  record SimClock(double nominal, double ppm, double t0) {
    double freq() {
      return nominal * (1 + ppm * 1e-6);
    }

    long at(double hostTime) {
      return (long) ((hostTime - t0) * freq());
    }
  }

  /** Feeds one minute of get_clock answers with jitter; returns the sync. */
  static ClockSync run(SimClock mcu, SplittableRandom rnd, double outlierEvery,
      ClockSync sync) {
    double t = 100.0;
    sync.start(mcu.nominal(), mcu.at(t), t);
    for (int i = 0; i < 8; i++) {
      t += 0.05;
      feed(sync, mcu, t, rnd, false);
    }
    for (int i = 0; t < 160; i++) {
      t += ClockSync.QUERY_PERIOD;
      boolean outlier = outlierEvery > 0 && i % (int) outlierEvery == 5;
      feed(sync, mcu, t, rnd, outlier);
    }
    return sync;
  }

  private static void feed(ClockSync sync, SimClock mcu, double sent, SplittableRandom rnd,
      boolean outlier) {
    // The query reaches the MCU 50..300 µs after the host thinks it did (USB, scheduling); an
    // outlier is held up 30 ms on the way in, so the clock it reads is late.
    double inbound = 50e-6 + rnd.nextDouble() * 250e-6 + (outlier ? 0.030 : 0);
    double outbound = 50e-6 + rnd.nextDouble() * 250e-6;
    long clock = mcu.at(sent + inbound);
    sync.querySent();
    sync.handleClock(clock & 0xFFFFFFFFL, sent, sent + inbound + outbound);
  }

  /**
   * Print time is placed by the smallest half round trip seen, so the estimate can be off by
   * the spread of one-way delays (here 50..300 µs), not more, however far the crystal drifts.
   */
  @Test
  void tracksADriftingCrystalToWithinTheLinksJitter() {
    SimClock mcu = new SimClock(50e6, 37.5, 3.21);
    ClockSync sync = run(mcu, new SplittableRandom(1), 0, new ClockSync());
    double now = 160.0;
    double errorSec = (sync.clockAt(now) - mcu.at(now)) / mcu.freq();
    assertThat(Math.abs(errorSec)).isLessThan(250e-6);
    assertThat(sync.estimate().freq() / mcu.freq() - 1).isCloseTo(0, org.assertj.core.data
        .Offset.offset(2e-6));
    assertThat(sync.isActive()).isTrue();
  }

  @Test
  void ignoresAnswersThatWereHeldUpOnTheWay() {
    SimClock mcu = new SimClock(16e6, -80, 0);
    ClockSync clean = run(mcu, new SplittableRandom(7), 0, new ClockSync());
    ClockSync noisy = run(mcu, new SplittableRandom(7), 6, new ClockSync());
    double now = 160.0;
    double cleanErr = (clean.clockAt(now) - mcu.at(now)) / mcu.freq();
    double noisyErr = (noisy.clockAt(now) - mcu.at(now)) / mcu.freq();
    // Every sixth answer 30 ms late: without outlier rejection that is a 5 ms error.
    assertThat(Math.abs(noisyErr - cleanErr)).isLessThan(20e-6);
    assertThat(noisy.dumpDebug()).contains("outliers=");
  }

  /**
   * A busy host: half the queries sit up to 40 ms in the host before reaching the MCU (their
   * round trips say so). From right after connecting (when the first commands are timed) and
   * for the next 40 s, print time must stay right to a millisecond and the rate to 100 ppm.
   */
  @Test
  void staysAccurateFromTheStartOnABusyHost() {
    SimClock mcu = new SimClock(50e6, 20, 7.0);
    SplittableRandom rnd = new SplittableRandom(3);
    ClockSync sync = new ClockSync();
    double t = 100.0;
    sync.start(mcu.nominal(), mcu.at(t), t);
    while (t < 140) {
      t += t < 100.5 ? 0.05 : ClockSync.QUERY_PERIOD;
      double held = rnd.nextBoolean() ? rnd.nextDouble() * 0.040 : 0;
      double inbound = 50e-6 + rnd.nextDouble() * 250e-6 + held;
      double outbound = 50e-6 + rnd.nextDouble() * 250e-6 + rnd.nextDouble() * held;
      sync.querySent();
      sync.handleClock(mcu.at(t + inbound) & 0xFFFFFFFFL, t, t + inbound + outbound);
      double errorSec = (sync.clockAt(t + 2) - mcu.at(t + 2)) / mcu.freq();
      assertThat(Math.abs(errorSec)).as("print time error at %.2f s", t).isLessThan(0.001);
      assertThat(Math.abs(sync.estimate().freq() / mcu.freq() - 1)).isLessThan(100e-6);
    }
  }

  @Test
  void extendsThirtyTwoBitClocksAcrossTheWrap() {
    ClockSync sync = new ClockSync();
    long nearWrap = (5L << 32) + 0xFFFFFF00L;
    sync.start(50e6, nearWrap, 1);
    assertThat(sync.extend(0x00000010L)).isEqualTo((6L << 32) + 0x10);
    assertThat(sync.extend(0xFFFFFE00L)).isEqualTo((5L << 32) + 0xFFFFFE00L);
  }

  @Test
  void declaresTheMcuLostAfterFiveUnansweredQueries() {
    ClockSync sync = new ClockSync();
    sync.start(50e6, 0, 1);
    for (int i = 0; i < ClockSync.MAX_PENDING_QUERIES; i++) {
      sync.querySent();
    }
    assertThat(sync.isActive()).isTrue();
    sync.querySent();
    assertThat(sync.isActive()).isFalse();
    sync.handleClock(1000, 1, 1.001);
    assertThat(sync.isActive()).isTrue();
  }

  /**
   * A second MCU with its own offset and drift: after alignment and the periodic calibration,
   * a print time converts to the clock at which that MCU's crystal shows the same moment the
   * main MCU does.
   */
  @Test
  void alignsASecondaryMcusPrintTimeWithTheMainOne() {
    SimClock mainMcu = new SimClock(16e6, 20, 0.7);
    SimClock auxMcu = new SimClock(50e6, -45, 12.25);
    ClockSync main = run(mainMcu, new SplittableRandom(3), 0, new ClockSync());
    SecondaryClockSync aux = new SecondaryClockSync(main);
    run(auxMcu, new SplittableRandom(4), 0, aux);
    aux.alignWithMain(160.0);
    for (double t = 161; t < 170; t += 1) {
      aux.calibrate(main.estimatedPrintTime(t) + 0.5, t);
    }
    double host = 172.0;
    double printTime = mainMcu.at(host) / mainMcu.nominal();
    long auxClock = aux.printTimeToClock(printTime);
    double errorSec = (auxClock - auxMcu.at(host)) / auxMcu.freq();
    assertThat(Math.abs(errorSec)).isLessThan(50e-6);
    assertThat(aux.stats()).matches("freq=\\d+ adj=\\d+");
  }
}
