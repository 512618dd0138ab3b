package org.escapement.host.fans;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.GCodeError;
import org.escapement.host.heaters.Heaters;
import org.escapement.host.heaters.TemperatureSensor;
import org.escapement.host.heaters.TemperatureSource;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [temperature_fan NAME]}: a fan that holds a sensor at or below a target by running
 * faster when it is warmer (an electronics bay, a chamber): watermark or PID, never slower
 * than min_speed while on. Full speed on shutdown by default.
 */
public final class TemperatureFanModule implements StatusProvider, TemperatureSource {
  static final double KELVIN_TO_CELSIUS = -273.15;
  /** The speed is re-sent at least this often, like a heater's refresh. */
  static final double MAX_FAN_TIME = 5.0;

  private final String name;
  private final Fan fan;
  private final double minTemp;
  private final double maxTemp;
  private final double speedDelay;
  private final double targetTempConf;
  private double maxSpeed;
  private double minSpeed;
  private double targetTemp;
  private double lastTemp;
  private double nextSpeedTime;
  private double lastSpeedValue;
  private final Control control;

  /** Temperature to fan speed. */
  private interface Control {
    void temperatureUpdate(double readTime, double celsius);
  }

  public TemperatureFanModule(Printer printer, ConfigSection section) {
    String[] words = section.name().split("\\s+");
    name = words.length > 1 ? words[1] : "";
    fan = new Fan(printer, section, 1.0);
    minTemp = section.getFloat("min_temp", null, Bounds.min(KELVIN_TO_CELSIUS));
    maxTemp = section.getFloat("max_temp", null, Bounds.above(minTemp));
    Heaters heaters = Heaters.of(printer);
    TemperatureSensor sensor = heaters.setupSensor(section);
    sensor.setupMinMax(minTemp, maxTemp);
    sensor.setupCallback(this::reading);
    heaters.registerSensor(section, this, null);
    speedDelay = sensor.reportTimeDelta();
    maxSpeed = section.getFloat("max_speed", 1.0, new Bounds(null, 1.0, 0.0, null));
    minSpeed = section.getFloat("min_speed", 0.3, Bounds.range(0, 1));
    Double target = section.getFloatOrNull("target_temp", Bounds.range(minTemp, maxTemp));
    targetTempConf = target != null ? target : (maxTemp > 40 ? 40 : maxTemp);
    targetTemp = targetTempConf;
    control = section.getChoice("control", Map.<String, java.util.function.Supplier<Control>>of(
        "watermark", () -> watermark(section), "pid", () -> pid(section)), null).get();
    printer.lookupObject("gcode", GCodeDispatch.class).registerMux(
        "SET_TEMPERATURE_FAN_TARGET", "TEMPERATURE_FAN", name, this::cmdSetTarget,
        "Sets a temperature fan target and fan speed limits");
  }

  private void reading(double readTime, double celsius) {
    lastTemp = celsius;
    control.temperatureUpdate(readTime, celsius);
  }

  private void setSpeed(double readTime, double value) {
    double v = value <= 0 ? 0 : Math.max(value, minSpeed);
    if (targetTemp <= 0) {
      v = 0;
    }
    if ((readTime < nextSpeedTime || lastSpeedValue == 0)
        && Math.abs(v - lastSpeedValue) < 0.05) {
      return;
    }
    double speedTime = readTime + speedDelay;
    nextSpeedTime = speedTime + 0.75 * MAX_FAN_TIME;
    lastSpeedValue = v;
    fan.setSpeed(v, speedTime);
  }

  private Control watermark(ConfigSection section) {
    double maxDelta = section.getFloat("max_delta", 2.0, Bounds.above(0));
    boolean[] cooling = {false};
    return (readTime, celsius) -> {
      // "heating" in a fan's terms: the sensor is below target, the fan rests.
      if (cooling[0] && celsius >= targetTemp + maxDelta) {
        cooling[0] = false;
      } else if (!cooling[0] && celsius <= targetTemp - maxDelta) {
        cooling[0] = true;
      }
      setSpeed(readTime, cooling[0] ? 0 : maxSpeed);
    };
  }

  private Control pid(ConfigSection section) {
    double kp = section.getFloat("pid_Kp") / 255.0;
    double ki = section.getFloat("pid_Ki") / 255.0;
    double kd = section.getFloat("pid_Kd") / 255.0;
    double minDerivTime = section.getFloat("pid_deriv_time", 2.0, Bounds.above(0));
    double integralMax = ki != 0 ? maxSpeed / ki : 0;
    double[] state = {25.0, 0, 0, 0}; // previous temp, time, derivative, integral
    return (readTime, celsius) -> {
      double dt = readTime - state[1];
      double dTemp = celsius - state[0];
      double deriv = dt >= minDerivTime ? dTemp / dt
          : (state[2] * (minDerivTime - dt) + dTemp) / minDerivTime;
      double error = targetTemp - celsius;
      double integral = Math.max(0, Math.min(integralMax, state[3] + error * dt));
      double out = kp * error + ki * integral - kd * deriv;
      double bounded = Math.max(0, Math.min(maxSpeed, out));
      // The PID output is heating power; a fan cools, so it runs at what is not needed.
      setSpeed(readTime, Math.max(minSpeed, maxSpeed - bounded));
      state[0] = celsius;
      state[1] = readTime;
      state[2] = deriv;
      if (out == bounded) {
        state[3] = integral;
      }
    };
  }

  private void cmdSetTarget(GCodeCommand c) {
    double temp = c.getFloat("TARGET", targetTempConf);
    if (temp != 0 && (temp < minTemp || temp > maxTemp)) {
      throw new GCodeError(String.format(Locale.ROOT,
          "Requested temperature (%.1f) out of range (%.1f:%.1f)", temp, minTemp, maxTemp));
    }
    double lo = c.getFloat("MIN_SPEED", minSpeed);
    double hi = c.getFloat("MAX_SPEED", maxSpeed);
    if (lo > hi) {
      throw c.error(String.format(Locale.ROOT,
          "Requested min speed (%.1f) is greater than max speed (%.1f)", lo, hi));
    }
    for (double s : new double[] {lo, hi}) {
      if (s != 0 && (s < 0 || s > 1)) {
        throw c.error(String.format(Locale.ROOT,
            "Requested %s speed (%.1f) out of range (0.0 : 1.0)", s == lo ? "min" : "max", s));
      }
    }
    targetTemp = temp;
    minSpeed = lo;
    maxSpeed = hi;
  }

  @Override
  public Temperature temperature(double eventtime) {
    return new Temperature(lastTemp, targetTemp);
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>(fan.status(eventtime));
    s.put("temperature", Math.round(lastTemp * 100) / 100.0);
    s.put("target", targetTemp);
    return s;
  }
}
