package org.escapement.host.modules;

import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.mcu.McuDigitalOut;
import org.escapement.host.mcu.McuPwm;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [output_pin NAME]}: a pin the user switches with {@code SET_PIN PIN=NAME VALUE=v},
 * on or off, or (with {@code pwm: True}) anywhere between, by software or hardware PWM. A
 * change takes effect after the moves queued before it, as Klipper's does. The MCU keeps the
 * pin as set for as long as the host says nothing (no max duration), and falls back to
 * shutdown_value when the printer shuts down.
 */
public final class OutputPinModule implements StatusProvider {
  /** The longest time an MCU is asked to schedule ahead (Klipper's max nominal duration). */
  public static final double MAX_NOMINAL_DURATION = 3.0;

  private final boolean isPwm;
  private final double scale;
  private final McuPwm pwm;
  private final McuDigitalOut digital;
  private final GCodeRequestQueue requests;
  private double lastValue;

  public OutputPinModule(Printer printer, ConfigSection section) {
    isPwm = section.getBoolean("pwm", false);
    if (isPwm) {
      pwm = PinSetup.pwm(printer, section, "pin");
      digital = null;
      double cycleTime = section.getFloat("cycle_time", 0.100,
          new Bounds(null, MAX_NOMINAL_DURATION, 0.0, null));
      pwm.setupCycleTime(cycleTime, section.getBoolean("hardware_pwm", false));
      scale = section.getFloat("scale", 1.0, Bounds.above(0));
      pwm.setupMaxDuration(0);
    } else {
      digital = PinSetup.digitalOut(printer, section, "pin");
      pwm = null;
      scale = 1.0;
      digital.setupMaxDuration(0);
    }
    lastValue = section.getFloat("value", 0.0, Bounds.range(0, scale)) / scale;
    double shutdownValue = section.getFloat("shutdown_value", 0.0, Bounds.range(0, scale))
        / scale;
    if (isPwm) {
      pwm.setupStartValue(lastValue, shutdownValue);
    } else {
      digital.setupStartValue(lastValue != 0, shutdownValue != 0);
    }
    requests = new GCodeRequestQueue(printer, this::setPin);
    printer.lookupObject("gcode", GCodeDispatch.class).registerMux("SET_PIN", "PIN",
        section.name().split("\\s+")[1], this::cmdSetPin, "Set the value of an output pin");
  }

  private GCodeRequestQueue.Outcome setPin(double printTime, double value) {
    if (value == lastValue) {
      return GCodeRequestQueue.Outcome.DISCARD;
    }
    lastValue = value;
    if (isPwm) {
      pwm.setPwm(printTime, value);
    } else {
      digital.setDigital(printTime, value != 0);
    }
    return GCodeRequestQueue.Outcome.APPLIED;
  }

  private void cmdSetPin(GCodeCommand c) {
    Double value = c.getFloatOrNull("VALUE", Bounds.range(0, scale));
    boolean hasTemplate = c.has("TEMPLATE");
    if ((value == null) == !hasTemplate) {
      throw c.error("SET_PIN command must specify VALUE or TEMPLATE");
    }
    if (hasTemplate) {
      throw c.error("SET_PIN TEMPLATE= is not supported yet");
    }
    double v = value / scale;
    if (!isPwm && v != 0 && v != 1) {
      throw c.error("Invalid pin value");
    }
    requests.queueGcodeRequest(v);
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return Map.of("value", lastValue);
  }
}
