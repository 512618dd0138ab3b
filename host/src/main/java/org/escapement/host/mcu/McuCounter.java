package org.escapement.host.mcu;

import java.util.Locale;
import org.escapement.host.config.ConfigError;

/**
 * An input whose edges the MCU counts ({@code config_counter}): every poll period it looks at
 * the pin, and every sample period it reports the running count with the clock of the last
 * edge. Fan tachometers use it. Firmware without a pulse counter cannot have one.
 */
public final class McuCounter {
  /** Receives each report on the reactor. */
  @FunctionalInterface
  public interface Callback {
    /**
     * @param time print time of the report
     * @param count edges counted since configuration (no 32-bit wrap)
     * @param countTime print time of the last counted edge
     */
    void counted(double time, long count, double countTime);
  }

  private final McuPin pin;
  private final Mcu mcu;
  private final double sampleTime;
  private final double pollTime;
  private Callback callback;
  private int oid = -1;
  private long pollTicks;
  private long lastCount;

  public McuCounter(McuPin pin, double sampleTime, double pollTime) {
    this.pin = pin;
    this.mcu = pin.mcu();
    this.sampleTime = sampleTime;
    this.pollTime = pollTime;
    mcu.registerConfigCallback(this::buildConfig);
  }

  public Mcu mcu() {
    return mcu;
  }

  public void setCallback(Callback callback) {
    this.callback = callback;
  }

  private void buildConfig() {
    pin.checkExists();
    if (mcu.dictionary() != null && mcu.dictionary().command("config_counter").isEmpty()) {
      throw new ConfigError(pin.where() + ": the firmware of mcu '" + mcu.name()
          + "' has no pulse counter (config_counter)");
    }
    oid = mcu.createOid();
    mcu.addConfigCmd(String.format(Locale.ROOT, "config_counter oid=%d pin=%s pull_up=%d", oid,
        pin.name(), pin.pullup()), false, false);
    long clock = mcu.querySlot(oid) & 0xFFFFFFFFL; // the MCU's clock is 32 bits
    pollTicks = mcu.secondsToClock(pollTime);
    mcu.addConfigCmd(String.format(Locale.ROOT,
        "query_counter oid=%d clock=%d poll_ticks=%d sample_ticks=%d", oid, clock, pollTicks,
        mcu.secondsToClock(sampleTime)), true, false);
    mcu.registerResponse("counter_state", (long) oid, this::handleState);
  }

  private void handleState(Response r) {
    long nextClock = mcu.clock().extend(r.getLong("next_clock"));
    double time = mcu.clockToPrintTime(nextClock - pollTicks);
    double countTime = mcu.clockToPrintTime(mcu.clock().extend(r.getLong("count_clock")));
    long delta = (r.getLong("count") - lastCount) & 0xFFFFFFFFL;
    lastCount += delta;
    if (callback != null) {
      callback.counted(time, lastCount, countTime);
    }
  }
}
