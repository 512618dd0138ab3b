package org.escapement.host.heaters;

/** How a heater turns each temperature reading into power: PID, watermark, or autotune. */
public interface HeaterControl {
  /** A new reading: decide the power and set it on the heater ({@link Heater#setPwm}). */
  void temperatureUpdate(double readTime, double celsius, double target);

  /** Is the heater still on its way to the target (what M109 and M190 wait for)? */
  boolean isBusy(double eventtime, double smoothedCelsius, double target);
}
