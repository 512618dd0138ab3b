package org.escapement.host.mcu;

import java.util.Locale;

/**
 * An analog input the MCU samples on its own: every report period it takes a few samples,
 * sums them, checks the sum against limits (shutting itself down with "ADC out of range"
 * after a few bad reports, which is what keeps a heater safe without the host) and reports
 * the sum. Values reach the callback as 0..1 with the print time they were read at.
 */
public final class McuAdc {
  /** Receives each reading on the reactor. */
  @FunctionalInterface
  public interface Callback {
    void reading(double readTime, double value);
  }

  private final McuPin pin;
  private final Mcu mcu;
  private double reportTime;
  private double sampleTime;
  private int sampleCount;
  private int batch = 1;
  private double minValue;
  private double maxValue = 1;
  private int rangeCheckCount;
  private Callback callback;
  private int oid = -1;
  private double invMaxAdc;
  private long reportClock;

  public McuAdc(McuPin pin) {
    this.pin = pin;
    this.mcu = pin.mcu();
    mcu.registerConfigCallback(this::buildConfig);
  }

  public Mcu mcu() {
    return mcu;
  }

  /**
   * @param reportTime seconds between reports
   * @param sampleTime seconds between the samples of one report
   * @param sampleCount samples summed per report (0: this input is not sampled)
   * @param minValue lowest acceptable reading, 0..1 (the MCU checks it)
   * @param maxValue highest acceptable reading, 0..1
   * @param rangeCheckCount consecutive bad reports before the MCU shuts down (0: no check)
   */
  public void setupSampling(double reportTime, double sampleTime, int sampleCount,
      double minValue, double maxValue, int rangeCheckCount) {
    this.reportTime = reportTime;
    this.sampleTime = sampleTime;
    this.sampleCount = sampleCount;
    this.minValue = minValue;
    this.maxValue = maxValue;
    this.rangeCheckCount = rangeCheckCount;
  }

  /** Reports gathered per message (firmware that batches readings). */
  public void setupBatch(int readingsPerReport) {
    batch = readingsPerReport;
  }

  public void setCallback(Callback callback) {
    this.callback = callback;
  }

  private void buildConfig() {
    if (sampleCount == 0) {
      return;
    }
    pin.checkExists();
    oid = mcu.createOid();
    mcu.addConfigCmd(String.format(Locale.ROOT, "config_analog_in oid=%d pin=%s", oid,
        pin.name()), false, false);
    long clock = mcu.querySlot(oid) & 0xFFFFFFFFL; // the MCU's clock is 32 bits
    long sampleTicks = mcu.secondsToClock(sampleTime);
    double maxAdc = sampleCount * mcu.constantNumber("ADC_MAX");
    invMaxAdc = 1.0 / maxAdc;
    reportClock = mcu.secondsToClock(reportTime);
    long minSample = Math.max(0, Math.min(0xffff, (long) (minValue * maxAdc)));
    long maxSample = Math.max(0, Math.min(0xffff, (long) Math.ceil(maxValue * maxAdc)));
    boolean batched = mcu.dictionary().command("query_analog_in").map(
        f -> f.format().contains("bytes_per_report")).orElse(false);
    String query = batched
        ? String.format(Locale.ROOT, "query_analog_in oid=%d clock=%d sample_ticks=%d"
            + " sample_count=%d rest_ticks=%d bytes_per_report=%d min_value=%d max_value=%d"
            + " range_check_count=%d", oid, clock, sampleTicks, sampleCount, reportClock,
            batch * 2, minSample, maxSample, rangeCheckCount)
        : String.format(Locale.ROOT, "query_analog_in oid=%d clock=%d sample_ticks=%d"
            + " sample_count=%d rest_ticks=%d min_value=%d max_value=%d range_check_count=%d",
            oid, clock, sampleTicks, sampleCount, reportClock, minSample, maxSample,
            rangeCheckCount);
    mcu.addConfigCmd(query, true, false);
    mcu.registerResponse("analog_in_state", (long) oid, this::handleState);
  }

  private void handleState(Response r) {
    long nextClock = mcu.clock().extend(r.getLong("next_clock"));
    if (r.message().format().params().stream().anyMatch(p -> p.name().equals("values"))) {
      byte[] values = r.message().getBytes("values");
      int n = values.length / 2;
      for (int i = 0; i < n; i++) {
        int raw = (values[2 * i] & 0xff) | (values[2 * i + 1] & 0xff) << 8;
        long readClock = nextClock - (long) (n - i) * reportClock;
        deliver(readClock, raw);
      }
    } else {
      deliver(nextClock - reportClock, r.getLong("value"));
    }
  }

  private void deliver(long readClock, long raw) {
    if (callback != null) {
      callback.reading(mcu.clockToPrintTime(readClock), raw * invMaxAdc);
    }
  }

  public double reportTime() {
    return reportTime;
  }
}
