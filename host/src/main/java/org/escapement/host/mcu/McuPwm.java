package org.escapement.host.mcu;

import java.util.Locale;
import org.escapement.host.config.ConfigError;

/**
 * A PWM output set at print times: hardware PWM ({@code queue_pwm_out}, values up to the
 * MCU's PWM_MAX) or software PWM (a digital pin the MCU toggles every cycle, {@code
 * queue_digital_out} with on-ticks). Values are 0..1; an inverted pin is handled here.
 */
public final class McuPwm {
  private final McuPin pin;
  private final Mcu mcu;
  private double cycleTime = 0.100;
  private boolean hardware;
  private double maxDuration = 2.0;
  private double startValue;
  private double shutdownValue;
  private double pwmMax;
  private int oid = -1;
  private McuCommand setCmd;
  private long lastClock;
  private double lastValue = Double.NaN;

  public McuPwm(McuPin pin) {
    this.pin = pin;
    this.mcu = pin.mcu();
    setupStartValue(0, 0); // off, whichever level off is on this pin
    mcu.registerConfigCallback(this::buildConfig);
  }

  public Mcu mcu() {
    return mcu;
  }

  public void setupCycleTime(double seconds, boolean hardwarePwm) {
    cycleTime = seconds;
    hardware = hardwarePwm;
  }

  /** Seconds the output may stay away from its shutdown value without an update (0: forever). */
  public void setupMaxDuration(double seconds) {
    maxDuration = seconds;
  }

  public void setupStartValue(double start, double shutdown) {
    double s = pin.invert() ? 1.0 - start : start;
    double d = pin.invert() ? 1.0 - shutdown : shutdown;
    startValue = Math.max(0, Math.min(1, s));
    shutdownValue = Math.max(0, Math.min(1, d));
  }

  public double cycleTime() {
    return cycleTime;
  }

  private void buildConfig() {
    if (maxDuration > 0 && startValue != shutdownValue) {
      throw new ConfigError(pin.where()
          + ": a pin with a max duration must start at its shutdown value");
    }
    pin.checkExists();
    CommandQueue queue = mcu.newCommandQueue();
    lastClock = mcu.printTimeToClock(
        mcu.estimatedPrintTime(mcu.reactorTime()) + mcu.latencyMargin(0.200));
    long cycleTicks = mcu.secondsToClock(cycleTime);
    long mdur = mcu.secondsToClock(maxDuration);
    if (mdur >= 1L << 31) {
      throw new ConfigError(pin.where() + ": PWM pin max duration too large");
    }
    if (hardware) {
      pwmMax = mcu.constantNumber("PWM_MAX");
      mcu.requestMoveQueueSlot();
      oid = mcu.createOid();
      mcu.addConfigCmd(String.format(Locale.ROOT,
          "config_pwm_out oid=%d pin=%s cycle_ticks=%d value=%d default_value=%d"
              + " max_duration=%d", oid, pin.name(), cycleTicks, (long) (startValue * pwmMax),
          (long) (shutdownValue * pwmMax), mdur), false, false);
      mcu.addConfigCmd(String.format(Locale.ROOT, "queue_pwm_out oid=%d clock=%d value=%d",
          oid, lastClock & 0xFFFFFFFFL, (long) (startValue * pwmMax + 0.5)), false, true);
      setCmd = mcu.lookupCommand("queue_pwm_out oid=%c clock=%u value=%hu", queue);
      return;
    }
    if (shutdownValue != 0 && shutdownValue != 1) {
      throw new ConfigError(pin.where() + ": shutdown value must be 0.0 or 1.0 on soft pwm");
    }
    if (cycleTicks >= 1L << 31) {
      throw new ConfigError(pin.where() + ": PWM pin cycle time too large");
    }
    mcu.requestMoveQueueSlot();
    oid = mcu.createOid();
    mcu.addConfigCmd(String.format(Locale.ROOT,
        "config_digital_out oid=%d pin=%s value=%d default_value=%d max_duration=%d", oid,
        pin.name(), startValue >= 1.0 ? 1 : 0, shutdownValue >= 0.5 ? 1 : 0, mdur), false,
        false);
    mcu.addConfigCmd(String.format(Locale.ROOT, "set_digital_out_pwm_cycle oid=%d cycle_ticks=%d",
        oid, cycleTicks), false, false);
    pwmMax = cycleTicks;
    mcu.addConfigCmd(String.format(Locale.ROOT, "queue_digital_out oid=%d clock=%d on_ticks=%d",
        oid, lastClock & 0xFFFFFFFFL, (long) (startValue * cycleTicks + 0.5)), true, false);
    setCmd = mcu.lookupCommand("queue_digital_out oid=%c clock=%u on_ticks=%u", queue);
  }

  /** Sets the output to {@code value} (0..1) at {@code printTime}. */
  public void setPwm(double printTime, double value) {
    double v = pin.invert() ? 1.0 - value : value;
    long ticks = (long) (Math.max(0, Math.min(1, v)) * pwmMax + 0.5);
    long clock = mcu.printTimeToClock(printTime);
    // The MCU's clock is 32 bits: the command carries the low half.
    setCmd.sendTimed(lastClock, clock, oid, clock & 0xFFFFFFFFL, ticks);
    lastClock = clock;
    lastValue = value;
  }

  /** The last value set (NaN before the first). */
  public double lastValue() {
    return lastValue;
  }
}
