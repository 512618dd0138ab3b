package org.escapement.host.fans;

import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/** {@code [fan_generic NAME]}: a fan set by SET_FAN_SPEED FAN=NAME SPEED=0..1. */
public final class FanGenericModule implements StatusProvider {
  private final Fan fan;

  public FanGenericModule(Printer printer, ConfigSection section) {
    fan = new Fan(printer, section, 0.0);
    String[] words = section.name().split("\\s+");
    printer.lookupObject("gcode", GCodeDispatch.class).registerMux("SET_FAN_SPEED", "FAN",
        words[words.length - 1], this::cmdSetFanSpeed, "Sets the speed of a fan");
  }

  private void cmdSetFanSpeed(GCodeCommand c) {
    if (c.has("TEMPLATE")) {
      throw c.error("SET_FAN_SPEED TEMPLATE= is not supported yet");
    }
    if (!c.has("SPEED")) {
      throw c.error("SET_FAN_SPEED must specify SPEED or TEMPLATE");
    }
    fan.setSpeedFromCommand(c.getFloat("SPEED", null, Bounds.min(0)));
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return fan.status(eventtime);
  }
}
