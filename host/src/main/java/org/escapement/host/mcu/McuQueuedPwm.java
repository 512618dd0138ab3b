package org.escapement.host.mcu;

import java.util.Locale;
import java.util.function.DoubleConsumer;
import org.escapement.host.config.ConfigError;

/**
 * A PWM output driven at the pace of the moves (a laser or spindle: {@code [pwm_tool]}). It
 * may carry a max duration: then the MCU shuts down unless the pin is back at its shutdown
 * value or refreshed within that time, and this class resends the value whenever motion is
 * flushed past a refresh time, for as long as the pin is away from its shutdown value.
 *
 * <p>Klipper queues these updates with the steps of its MCU (a sync emitter without a step
 * compressor); here they go out on their own command queue, ordered by their times, which the
 * MCU executes the same way.
 */
public final class McuQueuedPwm {
  private final McuPin pin;
  private final Mcu mcu;
  private final int oid;
  private final DoubleConsumer noteActivity;
  private boolean hardware;
  private double cycleTime = 0.100;
  private double maxDuration = 2.0;
  private double startValue;
  private double shutdownValue;
  private long lastClock;
  private long lastValue;
  private long defaultValue;
  private long durationTicks;
  private double pwmMax;
  private McuCommand setCmd;

  /**
   * @param noteActivity told the print time up to which motion must be flushed for the last
   *     update (and its refreshes) to go out
   */
  public McuQueuedPwm(McuPin pin, DoubleConsumer noteActivity) {
    this.pin = pin;
    this.mcu = pin.mcu();
    this.noteActivity = noteActivity;
    // Allocated with the section, not with the config (Klipper's oid order for pwm_tool).
    this.oid = mcu.createOid();
    startValue = shutdownValue = pin.invert() ? 1.0 : 0.0;
    mcu.registerConfigCallback(this::buildConfig);
  }

  public Mcu mcu() {
    return mcu;
  }

  /** Seconds the output may stay away from its shutdown value without an update (0: forever). */
  public void setupMaxDuration(double seconds) {
    maxDuration = seconds;
  }

  public void setupCycleTime(double seconds, boolean hardwarePwm) {
    cycleTime = seconds;
    hardware = hardwarePwm;
  }

  public void setupStartValue(double start, double shutdown) {
    double s = pin.invert() ? 1.0 - start : start;
    double d = pin.invert() ? 1.0 - shutdown : shutdown;
    startValue = Math.max(0, Math.min(1, s));
    shutdownValue = Math.max(0, Math.min(1, d));
  }

  /** Does the pin need refreshing while away from its shutdown value? */
  public boolean hasMaxDuration() {
    return maxDuration > 0;
  }

  private void buildConfig() {
    if (maxDuration > 0 && startValue != shutdownValue) {
      throw new ConfigError(pin.where()
          + ": Pin with max duration must have start value equal to shutdown value");
    }
    pin.checkExists();
    CommandQueue queue = mcu.newCommandQueue();
    lastClock = mcu.printTimeToClock(
        mcu.estimatedPrintTime(mcu.reactorTime()) + mcu.latencyMargin(0.200));
    long cycleTicks = mcu.secondsToClock(cycleTime);
    if (cycleTicks >= 1L << 31) {
      throw new ConfigError(pin.where() + ": PWM pin cycle time too large");
    }
    durationTicks = mcu.secondsToClock(maxDuration);
    if (durationTicks >= 1L << 31) {
      throw new ConfigError(pin.where() + ": PWM pin max duration too large");
    }
    if (hardware) {
      pwmMax = mcu.constantNumber("PWM_MAX");
      // Klipper formats the float products with %d: truncated, not rounded.
      defaultValue = (long) (shutdownValue * pwmMax);
      mcu.addConfigCmd(String.format(Locale.ROOT,
          "config_pwm_out oid=%d pin=%s cycle_ticks=%d value=%d default_value=%d"
              + " max_duration=%d", oid, pin.name(), cycleTicks, (long) (startValue * pwmMax),
          defaultValue, durationTicks), false, false);
      lastValue = (long) (startValue * pwmMax + 0.5);
      mcu.addConfigCmd(String.format(Locale.ROOT, "queue_pwm_out oid=%d clock=%d value=%d",
          oid, lastClock & 0xFFFFFFFFL, lastValue), false, true);
      setCmd = mcu.lookupCommand("queue_pwm_out oid=%c clock=%u value=%hu", queue);
      return;
    }
    if (shutdownValue != 0 && shutdownValue != 1) {
      throw new ConfigError(pin.where() + ": shutdown value must be 0.0 or 1.0 on soft pwm");
    }
    mcu.addConfigCmd(String.format(Locale.ROOT,
        "config_digital_out oid=%d pin=%s value=%d default_value=%d max_duration=%d", oid,
        pin.name(), startValue >= 1.0 ? 1 : 0, shutdownValue >= 0.5 ? 1 : 0, durationTicks),
        false, false);
    defaultValue = shutdownValue >= 0.5 ? cycleTicks : 0;
    mcu.addConfigCmd(String.format(Locale.ROOT, "set_digital_out_pwm_cycle oid=%d cycle_ticks=%d",
        oid, cycleTicks), false, false);
    pwmMax = cycleTicks;
    lastValue = (long) (startValue * pwmMax + 0.5);
    mcu.addConfigCmd(String.format(Locale.ROOT, "queue_digital_out oid=%d clock=%d on_ticks=%d",
        oid, lastClock & 0xFFFFFFFFL, lastValue), true, false);
    setCmd = mcu.lookupCommand("queue_digital_out oid=%c clock=%u on_ticks=%u", queue);
  }

  /** Sets the output to {@code value} (0..1) at {@code printTime}. */
  public void setPwm(double printTime, double value) {
    long clock = mcu.printTimeToClock(printTime);
    double v = pin.invert() ? 1.0 - value : value;
    long ticks = (long) (Math.max(0, Math.min(1, v)) * pwmMax + 0.5);
    if (durationTicks > 0) {
      refresh(clock - 1);
    }
    sendUpdate(clock, ticks);
  }

  /** Motion is being flushed up to {@code printTime}: resend the value where it is due. */
  public void refreshUntil(double printTime) {
    refresh(mcu.printTimeToClock(printTime));
  }

  private void refresh(long clock) {
    if (durationTicks == 0 || lastValue == defaultValue) {
      return;
    }
    while (clock >= lastClock + durationTicks) {
      sendUpdate(lastClock + durationTicks, lastValue);
    }
  }

  private void sendUpdate(long clock, long value) {
    long minClock = lastClock;
    lastClock = Math.max(lastClock, clock);
    lastValue = value;
    // The MCU's clock is 32 bits: the command carries the low half.
    setCmd.sendTimed(minClock, lastClock, oid, lastClock & 0xFFFFFFFFL, value);
    long wakeClock = lastClock;
    if (lastValue != defaultValue) {
      wakeClock += durationTicks; // flushing must go on until the refresh is sent
    }
    noteActivity.accept(mcu.clockToPrintTime(wakeClock));
  }
}
