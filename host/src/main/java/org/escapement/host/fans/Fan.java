package org.escapement.host.fans;

import java.util.LinkedHashMap;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.heaters.ToolheadTiming;
import org.escapement.host.mcu.McuDigitalOut;
import org.escapement.host.mcu.McuPwm;
import org.escapement.host.modules.PinSetup;
import org.escapement.host.printer.Printer;

/**
 * The fan part shared by every fan section: a PWM pin (soft PWM at 10 ms by default, or the
 * MCU's hardware PWM), the value it falls back to when the printer shuts down, an optional
 * enable pin and tachometer. A fan starting from standstill (or jumping by more than half) is
 * kicked at full power for kick_start_time first; speeds below off_below are off.
 *
 * <p>Changes are never sent closer together than the MCU can schedule them: each one is
 * timed at least {@value #MIN_CHANGE_TIME} s after the previous.
 */
public final class Fan {
  static final double MIN_CHANGE_TIME = 0.100;

  private final ToolheadTiming timing;
  private final double maxPower;
  private final double kickStartTime;
  private final double offBelow;
  private final McuPwm pwm;
  private final McuDigitalOut enablePin;
  private final FanTachometer tachometer;
  private double lastFanValue;
  private double lastRequestValue;
  private double nextChangeTime;

  /** @param defaultShutdownSpeed speed on shutdown unless shutdown_speed says otherwise */
  public Fan(Printer printer, ConfigSection section, double defaultShutdownSpeed) {
    this.timing = new ToolheadTiming(printer);
    maxPower = section.getFloat("max_power", 1.0, new Bounds(null, 1.0, 0.0, null));
    kickStartTime = section.getFloat("kick_start_time", 0.1, Bounds.min(0));
    offBelow = section.getFloat("off_below", 0.0, Bounds.range(0, 1));
    double cycleTime = section.getFloat("cycle_time", 0.010, Bounds.above(0));
    boolean hardwarePwm = section.getBoolean("hardware_pwm", false);
    double shutdownSpeed = section.getFloat("shutdown_speed", defaultShutdownSpeed,
        Bounds.range(0, 1));
    pwm = PinSetup.pwm(printer, section, "pin");
    pwm.setupMaxDuration(0);
    pwm.setupCycleTime(cycleTime, hardwarePwm);
    pwm.setupStartValue(0, Math.max(0, Math.min(maxPower, shutdownSpeed)));
    if (section.get("enable_pin", null) != null) {
      enablePin = PinSetup.digitalOut(printer, section, "enable_pin");
      enablePin.setupMaxDuration(0);
    } else {
      enablePin = null;
    }
    tachometer = FanTachometer.of(printer, section);
    printer.onEvent("gcode:request_restart", x -> setSpeed(0));
  }

  /** Sets the speed (0..1) after the moves queued so far: M106, SET_FAN_SPEED. */
  public void setSpeedFromCommand(double speed) {
    timing.registerLookaheadCallback(printTime -> apply(printTime, speed));
  }

  /** Sets the speed (0..1) as soon as possible: automatic fans. */
  public void setSpeed(double speed) {
    apply(timing.lastMoveTime(), speed);
  }

  /** Sets the speed (0..1) at a given print time (temperature fans time it by the reading). */
  public void setSpeed(double speed, double printTime) {
    apply(printTime, speed);
  }

  private void apply(double printTime, double speed) {
    double value = speed < offBelow ? 0 : speed;
    value = Math.max(0, Math.min(maxPower, value * maxPower));
    if (value == lastFanValue) {
      lastRequestValue = value;
      return;
    }
    double t = Math.max(printTime, nextChangeTime);
    if (enablePin != null) {
      if (value > 0 && lastFanValue == 0) {
        enablePin.setDigital(t, true);
      } else if (value == 0 && lastFanValue > 0) {
        enablePin.setDigital(t, false);
      }
    }
    lastRequestValue = value;
    if (value > 0 && kickStartTime > 0
        && (lastFanValue == 0 || value - lastFanValue > 0.5)) {
      // Full power first, so a stalled motor starts spinning.
      pwm.setPwm(t, maxPower);
      lastFanValue = maxPower;
      nextChangeTime = t + MIN_CHANGE_TIME;
      t = Math.max(t + kickStartTime, nextChangeTime);
      if (value == maxPower) {
        return;
      }
    }
    pwm.setPwm(t, value);
    lastFanValue = value;
    nextChangeTime = t + MIN_CHANGE_TIME;
  }

  /** The speed last asked for (0..max_power). */
  public double speed() {
    return lastRequestValue;
  }

  /** {@code speed} and {@code rpm} (null without a tachometer). */
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("speed", lastRequestValue);
    s.put("rpm", tachometer == null ? null : tachometer.rpm());
    return s;
  }
}
