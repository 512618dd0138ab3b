package org.escapement.host.heaters;

import org.escapement.host.config.ConfigSection;

/** Makes the sensor of one sensor_type for the section that names it. */
@FunctionalInterface
public interface SensorFactory {
  TemperatureSensor create(ConfigSection section);
}
