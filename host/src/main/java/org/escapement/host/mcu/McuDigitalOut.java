package org.escapement.host.mcu;

import java.util.Locale;
import org.escapement.host.config.ConfigError;

/**
 * A digital output the host switches at set print times ({@code queue_digital_out}), with the
 * value it starts at and the value the MCU falls back to on shutdown. With a max duration the
 * MCU itself shuts down when the host stops refreshing the pin.
 */
public final class McuDigitalOut {
  private final McuPin pin;
  private final Mcu mcu;
  private boolean startValue;
  private boolean shutdownValue;
  private boolean isStatic;
  private double maxDuration = 2.0;
  private int oid = -1;
  private McuCommand setCmd;
  private long lastClock;

  public McuDigitalOut(McuPin pin) {
    this.pin = pin;
    this.mcu = pin.mcu();
    setupStartValue(false, false);
    mcu.registerConfigCallback(this::buildConfig);
  }

  public Mcu mcu() {
    return mcu;
  }

  /** Seconds the pin may stay away from its shutdown value without an update (0: forever). */
  public void setupMaxDuration(double seconds) {
    maxDuration = seconds;
  }

  public void setupStartValue(boolean start, boolean shutdown) {
    startValue = start ^ pin.invert();
    shutdownValue = shutdown ^ pin.invert();
  }

  /** A pin set once at configuration and never changed ({@code set_digital_out}). */
  public void setupStatic(boolean value) {
    setupStartValue(value, value);
    isStatic = true;
  }

  private void buildConfig() {
    if (isStatic) {
      pin.checkExists();
      mcu.addConfigCmd(String.format(Locale.ROOT, "set_digital_out pin=%s value=%d",
          pin.name(), startValue ? 1 : 0), false, false);
      return;
    }
    if (maxDuration > 0 && startValue != shutdownValue) {
      throw new ConfigError(pin.where()
          + ": a pin with a max duration must start at its shutdown value");
    }
    long mdur = mcu.secondsToClock(maxDuration);
    if (mdur >= 1L << 31) {
      throw new ConfigError(pin.where() + ": digital pin max duration too large");
    }
    pin.checkExists();
    mcu.requestMoveQueueSlot();
    oid = mcu.createOid();
    mcu.addConfigCmd(String.format(Locale.ROOT,
        "config_digital_out oid=%d pin=%s value=%d default_value=%d max_duration=%d", oid,
        pin.name(), startValue ? 1 : 0, shutdownValue ? 1 : 0, mdur), false, false);
    mcu.addConfigCmd(String.format(Locale.ROOT, "update_digital_out oid=%d value=%d", oid,
        startValue ? 1 : 0), false, true);
    setCmd = mcu.lookupCommand("queue_digital_out oid=%c clock=%u on_ticks=%u",
        mcu.newCommandQueue());
  }

  /** Sets the pin at {@code printTime} (seconds on the MCU's print clock). */
  public void setDigital(double printTime, boolean value) {
    if (isStatic) {
      throw new IllegalStateException(pin.where() + ": a static pin cannot be changed");
    }
    long clock = mcu.printTimeToClock(printTime);
    // The MCU's clock is 32 bits: the command carries the low half.
    setCmd.sendTimed(lastClock, clock, oid, clock & 0xFFFFFFFFL, value ^ pin.invert() ? 1 : 0);
    lastClock = clock;
  }
}
