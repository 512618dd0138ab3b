package org.escapement.host.heaters;

/**
 * A source of temperature readings for a heater, a {@code [temperature_sensor]} or a
 * {@code [temperature_fan]}. The user of the sensor says which range is plausible (the sensor
 * may have its MCU enforce it) and receives each reading with its print time.
 */
public interface TemperatureSensor {
  /** Receives readings on the reactor. */
  @FunctionalInterface
  interface Callback {
    void temperature(double readTime, double celsius);
  }

  /** Readings outside this range are faults (the MCU shuts down on them where it can). */
  void setupMinMax(double minCelsius, double maxCelsius);

  void setupCallback(Callback callback);

  /** Seconds between readings. */
  double reportTimeDelta();
}
