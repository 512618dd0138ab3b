package org.escapement.host.heaters;

import org.escapement.host.config.ConfigSection;
import org.escapement.host.mcu.McuAdc;
import org.escapement.host.modules.PinSetup;
import org.escapement.host.printer.Printer;

/**
 * An analog sensor on an MCU ADC pin ({@code sensor_pin}): thermistors and amplifier tables.
 * The MCU sums 8 samples 1 ms apart every 0.3 s and checks the sum against the ADC values of
 * the user's min_temp and max_temp, so an open or shorted sensor shuts the MCU down by itself
 * after 4 bad reports (about 1.2 s), whatever the host is doing.
 */
public final class AdcTemperatureSensor implements TemperatureSensor {
  static final double SAMPLE_TIME = 0.001;
  static final int SAMPLE_COUNT = 8;
  static final double REPORT_TIME = 0.300;
  static final int RANGE_CHECK_COUNT = 4;

  private final String name;
  private final AdcConverter converter;
  private final McuAdc adc;
  private Callback callback = (t, c) -> {};
  private double minCelsius = Double.NEGATIVE_INFINITY;
  private double maxCelsius = Double.POSITIVE_INFINITY;
  private double lastAdc = Double.NaN;

  AdcTemperatureSensor(Printer printer, ConfigSection section, AdcConverter converter) {
    this.name = section.name();
    this.converter = converter;
    this.adc = PinSetup.adc(printer, section, "sensor_pin");
    adc.setCallback(this::reading);
    Heaters.of(printer).noteAdcSensor(this::outOfRangeReport);
  }

  private void reading(double readTime, double value) {
    lastAdc = value;
    // The reading stands for the end of the 8 samples.
    callback.temperature(readTime + SAMPLE_COUNT * SAMPLE_TIME, converter.calcTemp(value));
  }

  @Override
  public void setupMinMax(double minCelsius, double maxCelsius) {
    this.minCelsius = minCelsius;
    this.maxCelsius = maxCelsius;
    double a = converter.calcAdc(minCelsius);
    double b = converter.calcAdc(maxCelsius);
    adc.setupSampling(REPORT_TIME, SAMPLE_TIME, SAMPLE_COUNT, Math.min(a, b), Math.max(a, b),
        RANGE_CHECK_COUNT);
  }

  @Override
  public void setupCallback(Callback callback) {
    this.callback = callback;
  }

  @Override
  public double reportTimeDelta() {
    return REPORT_TIME;
  }

  /**
   * After an "ADC out of range" shutdown: which sensor read what, if it was this one; null
   * when its last reading was within range.
   */
  String outOfRangeReport() {
    if (Double.isNaN(lastAdc)) {
      return null;
    }
    double t = converter.calcTemp(lastAdc);
    if (t >= minCelsius && t <= maxCelsius) {
      return null;
    }
    return String.format(java.util.Locale.ROOT, "Sensor '%s' temperature %.3f not in range"
        + " %.3f:%.3f", name, t, minCelsius, maxCelsius);
  }
}
