package org.escapement.host.heaters;

/**
 * How one kind of analog sensor turns an ADC reading (0..1 of full scale) into degrees
 * Celsius, and back: the way back gives the MCU its range limits.
 */
public interface AdcConverter {
  double calcTemp(double adc);

  double calcAdc(double celsius);
}
