package org.escapement.host.modules;

import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.heaters.ToolheadTiming;
import org.escapement.host.mcu.McuQueuedPwm;
import org.escapement.host.motion.MotionQueuing;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [pwm_tool NAME]}: a PWM output switched in step with the moves (a laser, a spindle),
 * {@code SET_PIN PIN=NAME VALUE=v}. Unlike {@code [output_pin]} changes are not spaced out:
 * each takes effect exactly where the moves before it end. With maximum_mcu_duration the MCU
 * turns the tool off by itself if the host stops refreshing it.
 */
public final class PwmToolModule implements StatusProvider {
  private final ToolheadTiming timing;
  private final McuQueuedPwm pin;
  private final double scale;
  private double lastValue;
  private double lastPrintTime;

  public PwmToolModule(Printer printer, ConfigSection section) {
    timing = new ToolheadTiming(printer);
    MotionQueuing motion = Toolhead.motionQueuing(printer);
    pin = new McuQueuedPwm(PinSetup.pin(printer, section, "pin", "pwm"),
        printTime -> motion.noteMcuMovequeueActivity(printTime, false));
    Bounds nominal = new Bounds(null, OutputPinModule.MAX_NOMINAL_DURATION, 0.0, null);
    double cycleTime = section.getFloat("cycle_time", 0.100, nominal);
    pin.setupCycleTime(cycleTime, section.getBoolean("hardware_pwm", false));
    scale = section.getFloat("scale", 1.0, Bounds.above(0));
    pin.setupMaxDuration(section.getFloat("maximum_mcu_duration", 0.0,
        Bounds.range(0.500, OutputPinModule.MAX_NOMINAL_DURATION)));
    lastValue = section.getFloat("value", 0.0, Bounds.range(0, scale)) / scale;
    double shutdownValue = section.getFloat("shutdown_value", 0.0, Bounds.range(0, scale))
        / scale;
    pin.setupStartValue(lastValue, shutdownValue);
    if (pin.hasMaxDuration()) {
      motion.registerFlushCallback((flushTime, stepGenTime) -> pin.refreshUntil(flushTime),
          false);
    }
    printer.lookupObject("gcode", GCodeDispatch.class).registerMux("SET_PIN", "PIN",
        section.name().split("\\s+")[1], this::cmdSetPin, "Set the value of an output pin");
  }

  private void cmdSetPin(GCodeCommand c) {
    double value = c.getFloat("VALUE", null, Bounds.range(0, scale)) / scale;
    timing.registerLookaheadCallback(printTime -> setPin(printTime, value));
  }

  private void setPin(double printTime, double value) {
    if (value == lastValue) {
      return;
    }
    double t = Math.max(printTime, lastPrintTime);
    pin.setPwm(t, value);
    lastValue = value;
    lastPrintTime = t;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return Map.of("value", lastValue);
  }
}
