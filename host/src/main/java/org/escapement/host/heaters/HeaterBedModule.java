package org.escapement.host.heaters;

import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatsSource;
import org.escapement.host.printer.StatusProvider;

/** {@code [heater_bed]}: the bed heater (M105 id {@code B}), with M140 and M190. */
public final class HeaterBedModule implements StatusProvider, StatsSource, TemperatureSource {
  private final Printer printer;
  private final Heater heater;

  public HeaterBedModule(Printer printer, ConfigSection section) {
    this(printer, section, Heater.mcuOutputs(printer));
  }

  HeaterBedModule(Printer printer, ConfigSection section, Heater.OutputFactory outputs) {
    this.printer = printer;
    heater = Heaters.of(printer).setupHeater(section, "B", outputs);
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.register("M140", c -> setBed(c, false), false, null);
    gcode.register("M190", c -> setBed(c, true), false, null);
  }

  private void setBed(GCodeCommand c, boolean wait) {
    Heaters.of(printer).setTemperature(heater, c.getFloat("S", 0.0), wait);
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
