package org.escapement.host.heaters;

import java.util.Arrays;
import java.util.Comparator;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.printer.Printer;

/**
 * {@code [thermistor NAME]}: a thermistor of the user's own, by beta or by three measured
 * points; heaters and sensors use it with {@code sensor_type: NAME}.
 */
public final class ThermistorModule implements SensorFactory {
  private final Printer printer;
  private final String name;
  private final SensorCatalog.ThermistorPoints points;

  public ThermistorModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    this.name = section.suffix();
    Bounds aboveAbsoluteZero = Bounds.min(Thermistor.KELVIN_TO_CELSIUS);
    double t1 = section.getFloat("temperature1", null, aboveAbsoluteZero);
    double r1 = section.getFloat("resistance1", null, Bounds.min(0));
    Double beta = section.getFloatOrNull("beta", Bounds.above(0));
    if (beta != null) {
      points = SensorCatalog.ThermistorPoints.beta(t1, r1, beta);
    } else {
      double t2 = section.getFloat("temperature2", null, aboveAbsoluteZero);
      double r2 = section.getFloat("resistance2", null, Bounds.min(0));
      double t3 = section.getFloat("temperature3", null, aboveAbsoluteZero);
      double r3 = section.getFloat("resistance3", null, Bounds.min(0));
      double[][] p = {{t1, r1}, {t2, r2}, {t3, r3}};
      Arrays.sort(p, Comparator.<double[]>comparingDouble(a -> a[0])
          .thenComparingDouble(a -> a[1]));
      points = SensorCatalog.ThermistorPoints.three(p[0][0], p[0][1], p[1][0], p[1][1],
          p[2][0], p[2][1]);
    }
    Heaters.of(printer).addSensorFactory(name, this);
  }

  @Override
  public TemperatureSensor create(ConfigSection section) {
    return Heaters.thermistorSensor(printer, section, points);
  }
}
