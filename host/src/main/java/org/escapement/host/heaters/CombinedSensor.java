package org.escapement.host.heaters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.modules.McuModule;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;
import org.escapement.host.reactor.Reactor;

/**
 * {@code sensor_type: temperature_combined}: the min, max or mean of other sensors'
 * temperatures ({@code sensor_list}), every 0.3 s. Sensors that disagree by more than
 * {@code maximum_deviation} shut the printer down, as does a result out of range.
 */
final class CombinedSensor implements TemperatureSensor {
  static final double REPORT_TIME = 0.300;
  private final Printer printer;
  private final List<String> names;
  private final double maxDeviation;
  private final Function<List<Double>, Double> method;
  private final List<StatusProvider> sensors = new ArrayList<>();
  private Callback callback = (t, c) -> {};
  private double minCelsius;
  private double maxCelsius;
  private double lastTemp;

  CombinedSensor(Printer printer, ConfigSection section) {
    this.printer = printer;
    names = section.getList("sensor_list", null, ",");
    maxDeviation = section.getFloat("maximum_deviation", null, Bounds.above(0));
    method = section.getChoice("combination_method", Map.<String,
        Function<List<Double>, Double>>of(
        "min", v -> v.stream().mapToDouble(Double::doubleValue).min().orElse(0),
        "max", v -> v.stream().mapToDouble(Double::doubleValue).max().orElse(0),
        "mean", v -> v.stream().mapToDouble(Double::doubleValue).average().orElse(0)), null);
    printer.onEvent(Printer.Event.CONNECT, this::connect);
    printer.onEvent(Printer.Event.READY, () -> {
      if (printer.startOptions().isBatch()) {
        return;
      }
      // The sensors' first readings arrive about a second after connecting.
      Reactor reactor = printer.reactor();
      reactor.registerTimer(this::update, reactor.monotonic() + 1.0);
    });
  }

  private void connect() {
    double now = printer.reactor().monotonic();
    for (String name : names) {
      Object o = printer.lookupObject(name, Object.class);
      if (!(o instanceof StatusProvider sp)) {
        throw new ConfigError("'" + name + "' does not have a status.");
      }
      if (!sp.status(now).containsKey("temperature")) {
        throw new ConfigError("'" + name + "' does not report a temperature.");
      }
      if (sp.status(now).get("temperature") == null) {
        throw new ConfigError("Temperature monitor '" + name + "' is not supported");
      }
      sensors.add(sp);
    }
  }

  private double update(double eventtime) {
    List<Double> values = new ArrayList<>();
    for (StatusProvider s : sensors) {
      values.add(((Number) s.status(eventtime).get("temperature")).doubleValue());
    }
    double hi = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    double lo = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    if (hi - lo > maxDeviation) {
      printer.invokeShutdown(String.format(Locale.ROOT, "COMBINED SENSOR maximum deviation"
          + " exceeded limit of %.1f, max sensor value %.1f, min sensor value %.1f.",
          maxDeviation, hi, lo));
    }
    double t = values.isEmpty() ? 0 : method.apply(values);
    if (t != 0) {
      lastTemp = t;
    }
    if (lastTemp < minCelsius) {
      printer.invokeShutdown(String.format(Locale.ROOT, "COMBINED SENSOR temperature %.1f"
          + " below minimum temperature of %.1f.", lastTemp, minCelsius));
    }
    if (lastTemp > maxCelsius) {
      printer.invokeShutdown(String.format(Locale.ROOT, "COMBINED SENSOR temperature %.1f"
          + " above maximum temperature of %.1f.", lastTemp, maxCelsius));
    }
    McuModule mcu = printer.lookupObject("mcu", McuModule.class);
    callback.temperature(mcu.mcu().estimatedPrintTime(eventtime), lastTemp);
    return eventtime + REPORT_TIME;
  }

  @Override
  public void setupMinMax(double minCelsius, double maxCelsius) {
    this.minCelsius = minCelsius;
    this.maxCelsius = maxCelsius;
  }

  @Override
  public void setupCallback(Callback callback) {
    this.callback = callback;
  }

  @Override
  public double reportTimeDelta() {
    return REPORT_TIME;
  }
}
