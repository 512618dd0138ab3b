package org.escapement.host.heaters;

import java.util.ArrayList;
import java.util.List;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;

/**
 * A resistive sensor (PT1000, or a table of resistances) in a divider with a pull-up
 * resistor, read directly by the ADC.
 */
final class LinearResistance implements AdcConverter {
  private static final double ADC_EDGE = 0.00001;
  private final double pullupOhm;
  private final LinearInterpolation table;

  /** @param celsiusAndOhms the table: {temperature, resistance} rows */
  LinearResistance(ConfigSection section, List<double[]> celsiusAndOhms) {
    pullupOhm = section.getFloat("pullup_resistor", 4700.0, Bounds.above(0));
    List<double[]> points = new ArrayList<>();
    for (double[] row : celsiusAndOhms) {
      points.add(new double[] {row[1], row[0]});
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
    double a = Math.max(ADC_EDGE, Math.min(1 - ADC_EDGE, adc));
    return table.interpolate(pullupOhm * a / (1 - a));
  }

  @Override
  public double calcAdc(double celsius) {
    double r = table.reverse(celsius);
    return r / (pullupOhm + r);
  }
}
