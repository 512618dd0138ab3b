package org.escapement.host.heaters;

import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatsSource;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [test_extruder]}: the heater half of {@code [extruder]}, set up the way the motion
 * code's extruder sets up its heater (M104/M109, gcode id T0), for tests that run without
 * motion.
 */
public final class TestExtruder implements StatusProvider, StatsSource {
  final Heater heater;

  public TestExtruder(Printer printer, ConfigSection section) {
    heater = Heaters.of(printer).setupHeater(section, "T0");
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new java.util.LinkedHashMap<>(heater.status(eventtime));
    s.put("can_extrude", heater.canExtrude());
    return s;
  }

  @Override
  public Stats stats(double eventtime) {
    return heater.stats(eventtime);
  }
}
