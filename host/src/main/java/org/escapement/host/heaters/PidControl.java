package org.escapement.host.heaters;

import org.escapement.host.config.ConfigSection;

/**
 * {@code control: pid}. The gains in printer.cfg are in Klipper's units (output 0..255), so
 * they are divided by 255 here. The integral is kept within what max_power can use and is not
 * accumulated while the output is saturated (anti-windup); the derivative is smoothed over the
 * heater's smooth_time, because single readings are noisy.
 */
public final class PidControl implements HeaterControl {
  static final double PID_PARAM_BASE = 255.0;
  static final double AMBIENT_TEMP = 25.0;
  /** M109 is done within this many degrees of the target... */
  static final double SETTLE_DELTA = 1.0;
  /** ...and once the temperature changes slower than this, in degrees per second. */
  static final double SETTLE_SLOPE = 0.1;

  private final Heater heater;
  private final double maxPower;
  private final double kp;
  private final double ki;
  private final double kd;
  private final double minDerivTime;
  private final double integralMax;
  private double prevTemp = AMBIENT_TEMP;
  private double prevTempTime;
  private double prevDeriv;
  private double prevIntegral;

  PidControl(Heater heater, ConfigSection section) {
    this(heater, section.getFloat("pid_Kp") / PID_PARAM_BASE,
        section.getFloat("pid_Ki") / PID_PARAM_BASE,
        section.getFloat("pid_Kd") / PID_PARAM_BASE);
  }

  /** Gains already divided by 255. */
  PidControl(Heater heater, double kp, double ki, double kd) {
    this.heater = heater;
    this.maxPower = heater.maxPower();
    this.kp = kp;
    this.ki = ki;
    this.kd = kd;
    this.minDerivTime = heater.smoothTime();
    this.integralMax = ki != 0 ? maxPower / ki : 0;
  }

  @Override
  public void temperatureUpdate(double readTime, double celsius, double target) {
    double dt = readTime - prevTempTime;
    double dTemp = celsius - prevTemp;
    double deriv = dt >= minDerivTime ? dTemp / dt
        : (prevDeriv * (minDerivTime - dt) + dTemp) / minDerivTime;
    double error = target - celsius;
    double integral = Math.max(0, Math.min(integralMax, prevIntegral + error * dt));
    double out = kp * error + ki * integral - kd * deriv;
    double bounded = Math.max(0, Math.min(maxPower, out));
    heater.setPwm(readTime, bounded);
    prevTemp = celsius;
    prevTempTime = readTime;
    prevDeriv = deriv;
    if (out == bounded) {
      prevIntegral = integral; // saturated: do not wind up
    }
  }

  @Override
  public boolean isBusy(double eventtime, double smoothedCelsius, double target) {
    return Math.abs(target - smoothedCelsius) > SETTLE_DELTA || Math.abs(prevDeriv) > SETTLE_SLOPE;
  }
}
