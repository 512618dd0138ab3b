package org.escapement.host.mcu;

import java.util.Locale;
import org.escapement.host.config.ConfigError;

/**
 * A software PWM output whose cycle time may change while printing ({@code
 * set_digital_out_pwm_cycle} before the new duty cycle): buzzers and the like, where the
 * period is the tone. It never times out on the MCU (max duration 0).
 */
public final class McuPwmCycle {
  private final McuPin pin;
  private final Mcu mcu;
  private final double cycleTime;
  private final double startValue;
  private final double shutdownValue;
  private int oid = -1;
  private long lastClock;
  private long cycleTicks;
  private McuCommand setCmd;
  private McuCommand setCycleTicks;

  /** Values 0..1, before inversion; an inverted pin is handled here. */
  public McuPwmCycle(McuPin pin, double cycleTime, double startValue, double shutdownValue) {
    this.pin = pin;
    this.mcu = pin.mcu();
    this.cycleTime = cycleTime;
    this.startValue = clamp(pin.invert() ? 1.0 - startValue : startValue);
    this.shutdownValue = clamp(pin.invert() ? 1.0 - shutdownValue : shutdownValue);
    mcu.registerConfigCallback(this::buildConfig);
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }

  public Mcu mcu() {
    return mcu;
  }

  private void buildConfig() {
    CommandQueue queue = mcu.newCommandQueue();
    lastClock = mcu.printTimeToClock(
        mcu.estimatedPrintTime(mcu.reactorTime()) + mcu.latencyMargin(0.200));
    long ticks = mcu.secondsToClock(cycleTime);
    if (shutdownValue != 0 && shutdownValue != 1) {
      throw new ConfigError(pin.where() + ": shutdown value must be 0.0 or 1.0 on soft pwm");
    }
    if (ticks >= 1L << 31) {
      throw new ConfigError(pin.where() + ": PWM pin cycle time too large");
    }
    pin.checkExists();
    mcu.requestMoveQueueSlot();
    oid = mcu.createOid();
    mcu.addConfigCmd(String.format(Locale.ROOT,
        "config_digital_out oid=%d pin=%s value=%d default_value=%d max_duration=0", oid,
        pin.name(), startValue >= 1.0 ? 1 : 0, shutdownValue >= 0.5 ? 1 : 0), false, false);
    mcu.addConfigCmd(String.format(Locale.ROOT, "set_digital_out_pwm_cycle oid=%d cycle_ticks=%d",
        oid, ticks), false, false);
    cycleTicks = ticks;
    mcu.addConfigCmd(String.format(Locale.ROOT, "queue_digital_out oid=%d clock=%d on_ticks=%d",
        oid, lastClock & 0xFFFFFFFFL, (long) (startValue * ticks + 0.5)), true, false);
    setCmd = mcu.lookupCommand("queue_digital_out oid=%c clock=%u on_ticks=%u", queue);
    setCycleTicks = mcu.lookupCommand("set_digital_out_pwm_cycle oid=%c cycle_ticks=%u", queue);
  }

  /**
   * Sets the duty cycle {@code value} (0..1) with the period {@code cycleTimeSec} at {@code
   * printTime}; the period goes out first, and only when it changed.
   *
   * @throws IllegalArgumentException if the period is too long for the MCU's clock
   */
  public void setPwmCycle(double printTime, double value, double cycleTimeSec) {
    long clock = mcu.printTimeToClock(printTime);
    long ticks = mcu.secondsToClock(cycleTimeSec);
    if (ticks != cycleTicks) {
      if (ticks >= 1L << 31) {
        throw new IllegalArgumentException("PWM cycle time too large");
      }
      setCycleTicks.sendTimed(lastClock, clock, oid, ticks);
      cycleTicks = ticks;
    }
    double v = pin.invert() ? 1.0 - value : value;
    long onTicks = (long) (clamp(v) * cycleTicks + 0.5);
    // The MCU's clock is 32 bits: the command carries the low half.
    setCmd.sendTimed(lastClock, clock, oid, clock & 0xFFFFFFFFL, onTicks);
    lastClock = clock;
  }
}
