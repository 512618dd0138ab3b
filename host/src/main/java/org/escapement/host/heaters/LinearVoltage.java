package org.escapement.host.heaters;

import java.util.ArrayList;
import java.util.List;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;

/**
 * A sensor whose output voltage is a table of temperatures: thermocouple amplifiers (AD595,
 * AD8495...), a PT100 behind an INA826. The ADC reads the voltage as a fraction of
 * {@code adc_voltage}.
 */
final class LinearVoltage implements AdcConverter {
  private static final System.Logger LOG = System.getLogger("heaters");
  private final LinearInterpolation table;

  /** @param celsiusAndVolts the table: {temperature, volts} rows */
  LinearVoltage(ConfigSection section, List<double[]> celsiusAndVolts) {
    double adcVoltage = section.getFloat("adc_voltage", 5.0, Bounds.above(0));
    double offset = section.getFloat("voltage_offset", 0.0);
    List<double[]> points = new ArrayList<>();
    for (double[] row : celsiusAndVolts) {
      double adc = (row[1] - offset) / adcVoltage;
      if (adc < 0 || adc > 1) {
        LOG.log(System.Logger.Level.WARNING, String.format(java.util.Locale.ROOT,
            "Ignoring adc sample %.3f/%.3f in heater %s", row[0], row[1], section.name()));
        continue;
      }
      points.add(new double[] {adc, row[0]});
    }
    try {
      table = new LinearInterpolation(points);
    } catch (IllegalArgumentException e) {
      throw new ConfigError("adc_temperature " + e.getMessage() + " in heater "
          + section.name());
    }
  }

  @Override
  public double calcTemp(double adc) {
    return table.interpolate(adc);
  }

  @Override
  public double calcAdc(double celsius) {
    return table.reverse(celsius);
  }
}
