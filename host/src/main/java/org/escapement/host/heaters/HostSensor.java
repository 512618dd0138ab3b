package org.escapement.host.heaters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.modules.McuModule;
import org.escapement.host.printer.Printer;
import org.escapement.host.reactor.Reactor;

/**
 * {@code sensor_type: temperature_host}: the host computer's own temperature, read once a
 * second from a file in millidegrees (a Raspberry Pi's SoC by default). Out of range shuts
 * the printer down.
 */
final class HostSensor implements TemperatureSensor {
  static final double REPORT_TIME = 1.0;
  private final Printer printer;
  private final Path path;
  private Callback callback = (t, c) -> {};
  private double minCelsius;
  private double maxCelsius;

  HostSensor(Printer printer, ConfigSection section) {
    this.printer = printer;
    this.path = Path.of(section.get("sensor_path", "/sys/class/thermal/thermal_zone0/temp"));
    if (printer.startOptions().isBatch()) {
      return;
    }
    if (!Files.isReadable(path)) {
      throw new ConfigError("Unable to open temperature file '" + path + "'");
    }
    printer.onEvent(Printer.Event.CONNECT, () ->
        printer.reactor().registerTimer(this::sample, Reactor.NOW));
  }

  private double sample(double eventtime) {
    double celsius;
    try {
      celsius = Double.parseDouble(Files.readString(path).strip()) / 1000.0;
    } catch (IOException | NumberFormatException e) {
      System.getLogger("heaters").log(System.Logger.Level.ERROR,
          "temperature_host: Error reading data from " + path, e);
      return Reactor.NEVER;
    }
    if (celsius < minCelsius) {
      printer.invokeShutdown(String.format(Locale.ROOT,
          "HOST temperature %.1f below minimum temperature of %.1f.", celsius, minCelsius));
    }
    if (celsius > maxCelsius) {
      printer.invokeShutdown(String.format(Locale.ROOT,
          "HOST temperature %.1f above maximum temperature of %.1f.", celsius, maxCelsius));
    }
    McuModule mcu = printer.lookupObject("mcu", McuModule.class);
    callback.temperature(mcu.mcu().estimatedPrintTime(eventtime), celsius);
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
