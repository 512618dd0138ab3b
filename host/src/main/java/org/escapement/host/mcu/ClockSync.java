package org.escapement.host.mcu;

import java.util.Locale;

/**
 * Tracks an MCU's clock against host time: an exponentially weighted linear regression of the
 * clock values the MCU reports against the times their queries reached it, refreshed by a
 * {@code get_clock} about once a second.
 *
 * <p>Two estimates come out of it. The serial queue gets a conservative one (the MCU assumed
 * 3 standard deviations behind) so that commands are never released too late. Print time gets
 * one offset by the smallest half round-trip seen, the best guess of "now" on the MCU.
 *
 * <p>Runs on the reactor; the response times it uses were stamped by the reader thread.
 */
public class ClockSync {
  /** How fast old samples fade from the regression. */
  static final double DECAY = 1.0 / 30.0;
  /** The minimum round trip is allowed to grow this much per second of age (10 µs/hour). */
  static final double RTT_AGE = 0.000010 / 3600.0;
  /** Extra host time assumed between a query's arrival and the clock read. */
  static final double TRANSMIT_EXTRA = 0.001;
  /** Odd period so the queries do not beat against other periodic traffic. */
  static final double QUERY_PERIOD = 0.9839;
  /** More unanswered queries than this and the MCU counts as lost. */
  static final int MAX_PENDING_QUERIES = 4;
  /**
   * A round trip this much slower than the best seen means the query or its answer waited
   * somewhere (a busy host, a full UART): its clock reading is off by an unknown part of that
   * wait, so it stays out of the regression.
   */
  static final double SLOW_RTT_SLACK = 0.001;
  /** ...unless slow samples are all there is for this many queries in a row. */
  static final int MAX_SLOW_SKIPPED = 8;
  /**
   * Until the samples span this much time (the standard deviation of their times, squared),
   * their slope says more about jitter than about the crystal: the nominal rate is used.
   */
  static final double MIN_SLOPE_TIME_VARIANCE = 4.0;

  protected double mcuFreq = 1;
  private long lastClock;
  private double timeAvg;
  private double timeVariance;
  private double clockAvg;
  private double clockCovariance;
  private double predictionVariance;
  private double lastPredictionTime;
  private double minHalfRtt = 1e9;
  private double minRttTime;
  private volatile ClockEstimate estimate = new ClockEstimate(0, 0, 1);
  private ClockEstimate queueEstimate;
  private int queriesPending;
  private long outliers;
  private long slowSkipped;
  private int slowInARow;

  /** Where the conservative estimate goes (the serial queue). */
  interface QueueEstimateSink {
    void setClockEstimate(double freq, double convTime, long convClock);
  }

  private QueueEstimateSink sink = (f, t, c) -> {};

  void setSink(QueueEstimateSink sink) {
    this.sink = sink;
  }

  /**
   * Starts from the MCU's uptime: its 64-bit clock at a known host time.
   *
   * @param nominalFreq the firmware's CLOCK_FREQ
   */
  void start(double nominalFreq, long uptimeClock, double sentTime) {
    if (!(sentTime > 0)) {
      throw new IllegalArgumentException("clock sync needs a known time to start from");
    }
    mcuFreq = nominalFreq;
    lastClock = uptimeClock;
    clockAvg = uptimeClock;
    timeAvg = sentTime;
    timeVariance = 0;
    clockCovariance = 0;
    predictionVariance = Math.pow(0.001 * mcuFreq, 2);
    estimate = new ClockEstimate(timeAvg, clockAvg, mcuFreq);
  }

  /** Batch mode: print time starts at 0 and the clock runs at its nominal rate. */
  void startBatch(double nominalFreq) {
    mcuFreq = nominalFreq;
    estimate = new ClockEstimate(0, 0, mcuFreq);
  }

  /** During connect: the first samples may land far from the first guess; do not reject them. */
  void forgiveNextSample() {
    lastPredictionTime = -9999;
  }

  void querySent() {
    queriesPending++;
  }

  /**
   * A {@code clock} response.
   *
   * @param clock32 the 32-bit clock the MCU sent
   * @param sentTime host time the query reached the MCU (0 if unknown: it was retransmitted)
   * @param receiveTime host time the response arrived
   */
  void handleClock(long clock32, double sentTime, double receiveTime) {
    queriesPending = 0;
    long clock = extend(clock32);
    lastClock = clock;
    if (sentTime == 0) {
      return;
    }
    double halfRtt = 0.5 * (receiveTime - sentTime);
    double agedRtt = (sentTime - minRttTime) * RTT_AGE;
    if (halfRtt < minHalfRtt + agedRtt) {
      minHalfRtt = halfRtt;
      minRttTime = sentTime;
    }
    if (halfRtt > minHalfRtt + agedRtt + SLOW_RTT_SLACK && slowInARow < MAX_SLOW_SKIPPED) {
      slowInARow++;
      slowSkipped++;
      return;
    }
    slowInARow = 0;
    if (!addSample(sentTime, clock)) {
      return;
    }
    double freq = timeVariance < MIN_SLOPE_TIME_VARIANCE ? mcuFreq
        : clockCovariance / timeVariance;
    double stddev = Math.sqrt(predictionVariance);
    queueEstimate = new ClockEstimate(timeAvg + TRANSMIT_EXTRA, clockAvg - 3 * stddev, freq);
    sink.setClockEstimate(freq, queueEstimate.time(), (long) queueEstimate.clock());
    estimate = new ClockEstimate(timeAvg + minHalfRtt, clockAvg, freq);
  }

  /** Adds one (time, clock) pair to the regression; false if it was rejected as an outlier. */
  private boolean addSample(double sentTime, long clock) {
    double expected = (sentTime - timeAvg) * estimate.freq() + clockAvg;
    double diff2 = Math.pow(clock - expected, 2);
    if (diff2 > 25 * predictionVariance && diff2 > Math.pow(0.000500 * mcuFreq, 2)) {
      if (clock > expected && sentTime < lastPredictionTime + 10) {
        // A late answer (delayed on the way back) would drag the estimate: skip it. A sample
        // that keeps disagreeing for 10 s is believed instead, with a reset variance.
        outliers++;
        return false;
      }
      predictionVariance = Math.pow(0.001 * mcuFreq, 2);
    } else {
      lastPredictionTime = sentTime;
      predictionVariance = (1 - DECAY) * (predictionVariance + diff2 * DECAY);
    }
    double dt = sentTime - timeAvg;
    timeAvg += DECAY * dt;
    timeVariance = (1 - DECAY) * (timeVariance + dt * dt * DECAY);
    double dc = clock - clockAvg;
    clockAvg += DECAY * dc;
    clockCovariance = (1 - DECAY) * (clockCovariance + dt * dc * DECAY);
    return true;
  }

  /** The MCU's 64-bit clock for a 32-bit value near the last one seen. */
  public long extend(long clock32) {
    long last = lastClock;
    long diff = (clock32 - last) & 0xFFFFFFFFL;
    if ((diff & 0x80000000L) != 0) {
      diff -= 1L << 32;
    }
    return last + diff;
  }

  public double mcuFreq() {
    return mcuFreq;
  }

  /** Best estimate of the MCU clock at host time {@code eventtime}. */
  public long clockAt(double eventtime) {
    return estimate.clockAt(eventtime);
  }

  /** Host time at which the MCU clock reaches {@code clock}. */
  public double hostTimeOf(long clock) {
    return estimate.timeOf(clock);
  }

  public ClockEstimate estimate() {
    return estimate;
  }

  public long printTimeToClock(double printTime) {
    return (long) (printTime * mcuFreq);
  }

  public double clockToPrintTime(long clock) {
    return clock / mcuFreq;
  }

  public double estimatedPrintTime(double eventtime) {
    return clockToPrintTime(clockAt(eventtime));
  }

  /** False once the MCU has left several clock queries unanswered. */
  public boolean isActive() {
    return queriesPending <= MAX_PENDING_QUERIES;
  }

  /**
   * Re-aligns this MCU's print time to the main MCU's (secondary MCUs only).
   *
   * @return the conversion used now: (offset, frequency)
   */
  double[] calibrate(double printTime, double eventtime) {
    return new double[] {0, mcuFreq};
  }

  /** The {@code freq=} part of the log's Stats line. */
  public String stats() {
    return String.format(Locale.ROOT, "freq=%d", (long) estimate.freq());
  }

  public String dumpDebug() {
    ClockEstimate e = estimate;
    return String.format(Locale.ROOT,
        "clocksync state: mcu_freq=%d last_clock=%d clock_est=(%.3f %d %.3f) min_half_rtt=%.6f"
            + " min_rtt_time=%.3f time_avg=%.3f(%.3f) clock_avg=%.3f(%.3f) pred_variance=%.3f"
            + " outliers=%d slow_skipped=%d",
        (long) mcuFreq, lastClock, e.time(), (long) e.clock(), e.freq(), minHalfRtt, minRttTime,
        timeAvg, timeVariance, clockAvg, clockCovariance, predictionVariance, outliers, slowSkipped);
  }
}
