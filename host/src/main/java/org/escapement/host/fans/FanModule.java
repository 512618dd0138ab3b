package org.escapement.host.fans;

import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/** {@code [fan]}: the part cooling fan, set by M106 S0..255 and turned off by M107. */
public final class FanModule implements StatusProvider {
  private final Fan fan;

  public FanModule(Printer printer, ConfigSection section) {
    fan = new Fan(printer, section, 0.0);
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.register("M106", this::cmdM106, false, null);
    gcode.register("M107", c -> fan.setSpeedFromCommand(0), false, null);
  }

  private void cmdM106(GCodeCommand c) {
    fan.setSpeedFromCommand(c.getFloat("S", 255.0, Bounds.min(0)) / 255.0);
  }

  public Fan fan() {
    return fan;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return fan.status(eventtime);
  }
}
