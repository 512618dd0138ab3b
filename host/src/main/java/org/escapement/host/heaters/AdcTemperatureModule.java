package org.escapement.host.heaters;

import java.util.ArrayList;
import java.util.List;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.printer.Printer;

/**
 * {@code [adc_temperature NAME]}: a sensor described by a table, either of voltages (an
 * amplifier's output: temperatureN/voltageN) or of resistances (a resistive sensor behind a
 * pull-up: temperatureN/resistanceN).
 */
public final class AdcTemperatureModule implements SensorFactory {
  private final Printer printer;
  private final boolean resistance;
  private final List<double[]> table = new ArrayList<>();

  public AdcTemperatureModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    resistance = section.get("resistance1", null) != null;
    String valueOption = resistance ? "resistance" : "voltage";
    for (int i = 1; i < 1000; i++) {
      Double t = section.getFloatOrNull("temperature" + i,
          org.escapement.host.config.Bounds.NONE);
      if (t == null) {
        break;
      }
      table.add(new double[] {t, section.getFloat(valueOption + i)});
    }
    Heaters.of(printer).addSensorFactory(section.suffix(), this);
  }

  @Override
  public TemperatureSensor create(ConfigSection section) {
    AdcConverter converter = resistance ? new LinearResistance(section, table)
        : new LinearVoltage(section, table);
    return new AdcTemperatureSensor(printer, section, converter);
  }
}
