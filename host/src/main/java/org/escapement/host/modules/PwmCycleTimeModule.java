package org.escapement.host.modules;

import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.heaters.ToolheadTiming;
import org.escapement.host.mcu.McuPwmCycle;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [pwm_cycle_time NAME]}: a software PWM pin whose period {@code SET_PIN PIN=NAME
 * VALUE=v CYCLE_TIME=s} may change (a beeper's pitch). Changes follow the moves queued before
 * them and are kept {@value GCodeRequestQueue#MIN_SCHEDULE_TIME} s apart.
 */
public final class PwmCycleTimeModule implements StatusProvider {
  private final ToolheadTiming timing;
  private final double scale;
  private final double defaultCycleTime;
  private final McuPwmCycle pin;
  private double lastValue;
  private double lastCycleTime;
  private double lastPrintTime;

  public PwmCycleTimeModule(Printer printer, ConfigSection section) {
    timing = new ToolheadTiming(printer);
    scale = section.getFloat("scale", 1.0, Bounds.above(0));
    lastValue = section.getFloat("value", 0.0, Bounds.range(0, scale)) / scale;
    double shutdownValue = section.getFloat("shutdown_value", 0.0, Bounds.range(0, scale))
        / scale;
    var mcuPin = PinSetup.pin(printer, section, "pin", "pwm");
    defaultCycleTime = section.getFloat("cycle_time", 0.100,
        new Bounds(null, OutputPinModule.MAX_NOMINAL_DURATION, 0.0, null));
    lastCycleTime = defaultCycleTime;
    pin = new McuPwmCycle(mcuPin, defaultCycleTime, lastValue, shutdownValue);
    printer.lookupObject("gcode", GCodeDispatch.class).registerMux("SET_PIN", "PIN",
        section.name().split("\\s+")[1], this::cmdSetPin, "Set the value of an output pin");
  }

  private void cmdSetPin(GCodeCommand c) {
    double value = c.getFloat("VALUE", null, Bounds.range(0, scale)) / scale;
    double cycleTime = c.getFloat("CYCLE_TIME", defaultCycleTime,
        new Bounds(null, OutputPinModule.MAX_NOMINAL_DURATION, 0.0, null));
    timing.registerLookaheadCallback(printTime -> setPin(printTime, value, cycleTime));
  }

  private void setPin(double printTime, double value, double cycleTime) {
    if (value == lastValue && cycleTime == lastCycleTime) {
      return;
    }
    double t = Math.max(printTime, lastPrintTime + GCodeRequestQueue.MIN_SCHEDULE_TIME);
    pin.setPwmCycle(t, value, cycleTime);
    lastValue = value;
    lastCycleTime = cycleTime;
    lastPrintTime = t;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return Map.of("value", lastValue);
  }
}
