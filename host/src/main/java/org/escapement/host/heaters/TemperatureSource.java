package org.escapement.host.heaters;

/**
 * Anything with a temperature and maybe a target that M105, TEMPERATURE_WAIT and heater fans
 * read: heaters, {@code [temperature_sensor]}, {@code [temperature_fan]}.
 */
public interface TemperatureSource {
  /** Degrees Celsius now and the target (0 when there is none or it is off). */
  record Temperature(double current, double target) {}

  Temperature temperature(double eventtime);
}
