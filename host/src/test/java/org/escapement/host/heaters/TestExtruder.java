package org.escapement.host.heaters;

import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.modules.StandardModules;
import org.escapement.host.printer.ModuleRegistry;
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
    section.getFloat("nozzle_diameter", 0.4);
    section.getFloat("filament_diameter", 1.75);
  }

  /**
   * The standard modules, plus {@code [test_extruder]}, and {@code [extruder]} as this heater
   * unless the motion code's extruder has taken the section.
   */
  static ModuleRegistry registry() {
    return StandardModules.registry().register("test_extruder", TestExtruder::new)
        .onToolhead((printer, config) -> {
          if (config.hasSection("extruder") && !printer.hasObject("extruder")) {
            printer.addObject("extruder", new TestExtruder(printer, config.section("extruder")));
          }
        });
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
