package org.escapement.host.fans;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.heaters.ToolheadTiming;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.McuDigitalOut;
import org.escapement.host.mcu.McuPwm;
import org.escapement.host.modules.PinSetup;
import org.escapement.host.motion.MotionQueuing;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.Printer;

/**
 * The fan part shared by every fan section: a PWM pin (soft PWM at 10 ms by default, or the
 * MCU's hardware PWM), the value it falls back to when the printer shuts down, an optional
 * enable pin and tachometer. A fan starting from standstill (or jumping by more than half) is
 * kicked at full power for kick_start_time first; speeds below off_below are off.
 *
 * <p>Changes are never timed closer together than the MCU can schedule them
 * ({@value #MIN_CHANGE_TIME} s apart).
 */
public final class Fan {
  static final double MIN_CHANGE_TIME = 0.100;

  private final Printer printer;
  private final ToolheadTiming timing;
  private final Mcu mcu;
  private final MotionQueuing motion;
  private final List<double[]> requests = new ArrayList<>();
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
    this.printer = printer;
    this.timing = new ToolheadTiming(printer);
    maxPower = section.getFloat("max_power", 1.0, new Bounds(null, 1.0, 0.0, null));
    kickStartTime = section.getFloat("kick_start_time", 0.1, Bounds.min(0));
    offBelow = section.getFloat("off_below", 0.0, Bounds.range(0, 1));
    double cycleTime = section.getFloat("cycle_time", 0.010, Bounds.above(0));
    boolean hardwarePwm = section.getBoolean("hardware_pwm", false);
    double shutdownSpeed = section.getFloat("shutdown_speed", defaultShutdownSpeed,
        Bounds.range(0, 1));
    pwm = PinSetup.pwm(printer, section, "pin");
    mcu = pwm.mcu();
    pwm.setupMaxDuration(0);
    pwm.setupCycleTime(cycleTime, hardwarePwm);
    double shutdownPower = Math.max(0, Math.min(maxPower, shutdownSpeed));
    pwm.setupStartValue(0, shutdownPower);
    if (section.get("enable_pin", null) != null) {
      enablePin = PinSetup.digitalOut(printer, section, "enable_pin");
      enablePin.setupMaxDuration(0);
      // A fan that runs on shutdown (a heater fan) needs its enable line on then too.
      enablePin.setupStartValue(false, shutdownPower > 0);
    } else {
      enablePin = null;
    }
    tachometer = FanTachometer.of(printer, section);
    motion = Toolhead.motionQueuing(printer);
    motion.registerFlushCallback(this::flushRequests, false);
    // Off once the queued moves are done (the event carries their end time), as Klipper.
    printer.onEvent("gcode:request_restart", printTime -> setSpeed(0, (Double) printTime));
  }

  /** Sets the speed (0..1) after the moves queued so far: M106, SET_FAN_SPEED. */
  public void setSpeedFromCommand(double speed) {
    timing.registerLookaheadCallback(printTime -> queueRequest(printTime, speed));
  }

  /** Sets the speed (0..1) as soon as possible: automatic fans. */
  public void setSpeed(double speed) {
    setSpeed(speed, mcu.estimatedPrintTime(printer.reactor().monotonic())
        + mcu.latencyMargin(MIN_CHANGE_TIME));
  }

  /**
   * Sets the speed (0..1) at {@code printTime} or as soon after as allowed (a temperature fan
   * times it by its reading).
   */
  public void setSpeed(double speed, double printTime) {
    while (true) {
      double t = Math.max(printTime, nextChangeTime);
      Outcome o = apply(t, speed);
      if (o == Outcome.UNCHANGED) {
        return;
      }
      nextChangeTime = Math.max(nextChangeTime, t + MIN_CHANGE_TIME);
      if (o != Outcome.KICKED) {
        return;
      }
    }
  }

  /**
   * A G-code request: sent when the toolhead flushes motion up to its time, so it goes out
   * in order with the steps around it. Requests overtaken by a later one before they are due
   * are dropped.
   */
  private void queueRequest(double printTime, double speed) {
    requests.add(new double[] {printTime, speed});
    motion.noteMcuMovequeueActivity(printTime, false);
  }

  private void flushRequests(double mustFlushTime, double stepGenTime) {
    while (!requests.isEmpty()) {
      double t = Math.max(requests.getFirst()[0], nextChangeTime);
      if (t > mustFlushTime) {
        return;
      }
      int last = 0;
      while (last + 1 < requests.size() && requests.get(last + 1)[0] <= t) {
        last++;
      }
      Outcome o = apply(t, requests.get(last)[1]);
      if (o == Outcome.UNCHANGED) {
        requests.subList(0, last + 1).clear();
        continue;
      }
      // After a kick the same request comes again, at the end of the kick.
      requests.subList(0, o == Outcome.KICKED ? last : last + 1).clear();
      nextChangeTime = Math.max(nextChangeTime, t + MIN_CHANGE_TIME);
      motion.noteMcuMovequeueActivity(nextChangeTime, false);
    }
  }

  /** What {@link #apply} did. */
  private enum Outcome { UNCHANGED, SET, KICKED }

  /** Sets the output for {@code speed} at {@code t}. */
  private Outcome apply(double t, double speed) {
    double value = speed < offBelow ? 0 : speed;
    value = Math.max(0, Math.min(maxPower, value * maxPower));
    if (value == lastFanValue) {
      lastRequestValue = value;
      return Outcome.UNCHANGED;
    }
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
      // Full power first, so a stalled motor starts spinning; the value follows the kick.
      lastFanValue = maxPower;
      pwm.setPwm(t, maxPower);
      nextChangeTime = Math.max(nextChangeTime, t + kickStartTime);
      return Outcome.KICKED;
    }
    lastFanValue = value;
    pwm.setPwm(t, value);
    return Outcome.SET;
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
