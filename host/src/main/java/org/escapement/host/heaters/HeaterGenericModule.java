package org.escapement.host.heaters;

import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatsSource;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [heater_generic NAME]}: any other heater (a chamber, a dryer), set with
 * SET_HEATER_TEMPERATURE HEATER=NAME; M105 lists it under its {@code gcode_id} if it has one.
 */
public final class HeaterGenericModule implements StatusProvider, StatsSource,
    TemperatureSource {
  private final Heater heater;

  public HeaterGenericModule(Printer printer, ConfigSection section) {
    heater = Heaters.of(printer).setupHeater(section, null);
  }

  public Heater heater() {
    return heater;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return heater.status(eventtime);
  }

  @Override
  public Stats stats(double eventtime) {
    return heater.stats(eventtime);
  }

  @Override
  public Temperature temperature(double eventtime) {
    return heater.temperature(eventtime);
  }
}
