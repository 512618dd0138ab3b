package org.escapement.host.heaters;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatsSource;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [temperature_sensor NAME]}: a sensor that only reports (an MCU, the chamber, the
 * Pi), with the lowest and highest temperature it has seen. Its min_temp/max_temp are still
 * enforced.
 */
public final class TemperatureSensorModule implements StatusProvider, StatsSource,
    TemperatureSource {
  private final String name;
  private double lastTemp;
  private double measuredMin = 99999999.0;
  private double measuredMax;

  public TemperatureSensorModule(Printer printer, ConfigSection section) {
    String[] words = section.name().split("\\s+");
    name = words[words.length - 1];
    Heaters heaters = Heaters.of(printer);
    TemperatureSensor sensor = heaters.setupSensor(section);
    double minTemp = section.getFloat("min_temp", Heater.KELVIN_TO_CELSIUS,
        Bounds.min(Heater.KELVIN_TO_CELSIUS));
    double maxTemp = section.getFloat("max_temp", 99999999.9, Bounds.above(minTemp));
    sensor.setupMinMax(minTemp, maxTemp);
    sensor.setupCallback(this::reading);
    heaters.registerSensor(section, this, null);
  }

  private void reading(double readTime, double celsius) {
    lastTemp = celsius;
    if (celsius != 0) {
      measuredMin = Math.min(measuredMin, celsius);
      measuredMax = Math.max(measuredMax, celsius);
    }
  }

  @Override
  public Temperature temperature(double eventtime) {
    return new Temperature(lastTemp, 0);
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("temperature", round2(lastTemp));
    s.put("measured_min_temp", round2(measuredMin));
    s.put("measured_max_temp", round2(measuredMax));
    return s;
  }

  static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  @Override
  public Stats stats(double eventtime) {
    return new Stats(false, String.format(Locale.ROOT, "%s: temp=%.1f", name, lastTemp));
  }
}
