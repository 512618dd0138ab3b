package org.escapement.host.heaters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Origin;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;
import org.escapement.host.reactor.Reactor;

/**
 * All heaters and temperature sensors of the printer ({@code printer.heaters}): makes sensors
 * by sensor_type, sets up heaters for the sections that have one, and answers the G-code that
 * spans them: M105, TURN_OFF_HEATERS, TEMPERATURE_WAIT, SET_HEATER_TEMPERATURE, and M104/M109
 * for the extruders.
 *
 * <p>{@code [extruder]} (made by the motion code) gets its heater here:
 * {@code Heaters.of(printer).setupHeater(section, "T0")}.
 */
public final class Heaters implements StatusProvider {
  private static final Pattern EXTRUDER_ID = Pattern.compile("T(\\d+)");

  private final Printer printer;
  private final GCodeDispatch gcode;
  private final ToolheadTiming timing;
  private final Map<String, SensorFactory> sensorFactories = new LinkedHashMap<>();
  private final Map<String, Heater> heaters = new LinkedHashMap<>();
  private final Map<String, TemperatureSource> sources = new LinkedHashMap<>();
  private final Map<String, TemperatureSource> byGcodeId = new TreeMap<>();
  private final Map<Integer, Heater> extruders = new TreeMap<>();
  private final List<String> availableHeaters = new ArrayList<>();
  private final List<String> availableSensors = new ArrayList<>();
  private final List<String> availableMonitors = new ArrayList<>();
  private final List<Supplier<String>> adcSensors = new ArrayList<>();
  private Heater activeExtruder;
  private boolean started;

  private Heaters(Printer printer) {
    this.printer = printer;
    this.gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    this.timing = new ToolheadTiming(printer);
    registerBuiltInSensors();
    gcode.register("TURN_OFF_HEATERS", c -> turnOffAllHeaters(), false, "Turn off all heaters");
    gcode.register("M105", this::cmdM105, true, null);
    // Off at the end of the queued moves, before the host lets go of the MCUs.
    printer.onEvent("gcode:request_restart", printTime -> turnOffForRestart((Double) printTime));
    printer.onEvent(Printer.Event.READY, this::ready);
    printer.onEvent(Printer.Event.ANALYZE_SHUTDOWN, this::explainAdcShutdown);
  }

  /** The printer's heaters object, made on first use. */
  public static Heaters of(Printer printer) {
    Heaters h = printer.lookupObjectOrNull("heaters", Heaters.class);
    if (h == null) {
      h = new Heaters(printer);
      printer.addObject("heaters", h);
    }
    return h;
  }

  private void ready() {
    started = true;
    if (printer.startOptions().isBatch()) {
      return;
    }
    // A timer that runs only while the main loop runs: the heaters' proof that it does.
    Reactor reactor = printer.reactor();
    reactor.registerTimer(eventtime -> {
      heaters.values().forEach(h -> h.noteMainLoopAlive(eventtime));
      return eventtime + 1.0;
    }, Reactor.NOW);
  }

  // ---- sensors ----

  private void registerBuiltInSensors() {
    SensorCatalog.THERMISTORS.forEach((type, points) ->
        addSensorFactory(type, s -> thermistorSensor(printer, s, points)));
    SensorCatalog.VOLTAGE_TABLES.forEach((type, table) -> addSensorFactory(type,
        s -> new AdcTemperatureSensor(printer, s, new LinearVoltage(s, table))));
    SensorCatalog.RESISTANCE_TABLES.forEach((type, table) -> addSensorFactory(type,
        s -> new AdcTemperatureSensor(printer, s, new LinearResistance(s, table))));
    addSensorFactory("temperature_combined", s -> new CombinedSensor(printer, s));
    addSensorFactory("temperature_host", s -> new HostSensor(printer, s));
    addSensorFactory("temperature_mcu", s -> new McuTemperatureSensor(printer, s));
  }

  /** A thermistor on {@code sensor_pin} with the section's pull-up and inline resistors. */
  static TemperatureSensor thermistorSensor(Printer printer, ConfigSection section,
      SensorCatalog.ThermistorPoints points) {
    double pullup = section.getFloat("pullup_resistor", 4700.0, Bounds.above(0));
    double inline = section.getFloat("inline_resistor", 0.0, Bounds.min(0));
    return new AdcTemperatureSensor(printer, section,
        points.thermistor(pullup, inline, section.name()));
  }

  /** An MCU-checked sensor: after "ADC out of range", its report (null: not this one). */
  void noteAdcSensor(Supplier<String> outOfRangeReport) {
    adcSensors.add(outOfRangeReport);
  }

  /** A sensor_type by name (custom sections register theirs). */
  public void addSensorFactory(String sensorType, SensorFactory factory) {
    sensorFactories.put(sensorType, factory);
  }

  /** The sensor a section's {@code sensor_type} names, reading its sensor options. */
  public TemperatureSensor setupSensor(ConfigSection section) {
    String type = section.get("sensor_type");
    SensorFactory factory = sensorFactories.get(type);
    if (factory == null) {
      factory = loadCustomSensor(section.config(), type);
    }
    if (factory == null) {
      if (SensorCatalog.NOT_YET.contains(type)) {
        throw new ConfigError(where(section, "sensor_type") + ": temperature sensor '" + type
            + "' is not supported yet");
      }
      throw new ConfigError(where(section, "sensor_type") + ": Unknown temperature sensor '"
          + type + "'");
    }
    return factory.create(section);
  }

  /** A {@code [thermistor TYPE]} or {@code [adc_temperature TYPE]} later in the file. */
  private SensorFactory loadCustomSensor(Config config, String type) {
    for (String kind : List.of("thermistor", "adc_temperature")) {
      String name = kind + " " + type;
      if (config.hasSection(name) && !printer.hasObject(name)) {
        ConfigSection s = config.section(name);
        printer.addObject(name, kind.equals("thermistor") ? new ThermistorModule(printer, s)
            : new AdcTemperatureModule(printer, s));
        return sensorFactories.get(type);
      }
    }
    return null;
  }

  static String where(ConfigSection section, String option) {
    Origin at = section.origin(option);
    return "Option '" + option + "' in section '" + section.name() + "'"
        + (at == null ? "" : " (" + at + ")");
  }

  /**
   * Makes {@code source} known to M105 (under {@code gcodeId}, or the section's
   * {@code gcode_id}) and to TEMPERATURE_WAIT (under the section name).
   */
  public void registerSensor(ConfigSection section, TemperatureSource source, String gcodeId) {
    String name = section.name();
    availableSensors.add(name);
    sources.put(name, source);
    gcode.registerMux("TEMPERATURE_WAIT", "SENSOR", name, this::cmdTemperatureWait,
        "Wait for a temperature on a sensor");
    String id = gcodeId != null ? gcodeId : section.get("gcode_id", null);
    if (id == null) {
      return;
    }
    if (byGcodeId.containsKey(id)) {
      throw new ConfigError("G-Code sensor id " + id + " already registered");
    }
    byGcodeId.put(id, source);
  }

  /** A temperature monitor (listed in {@code available_monitors}). */
  public void registerMonitor(ConfigSection section) {
    availableMonitors.add(section.name());
  }

  // ---- heaters ----

  /**
   * Sets up the heater of {@code section}: sensor, control, output pin, verify_heater,
   * SET_HEATER_TEMPERATURE. A {@code gcodeId} of {@code Tn} makes it extruder n's heater
   * (M104/M109 with T=n); {@code B} the bed's.
   */
  public Heater setupHeater(ConfigSection section, String gcodeId) {
    return setupHeater(section, gcodeId, Heater.mcuOutputs(printer));
  }

  /** As {@link #setupHeater(ConfigSection, String)}, with the output made by {@code outputs}. */
  Heater setupHeater(ConfigSection section, String gcodeId, Heater.OutputFactory outputs) {
    String[] words = section.name().split("\\s+");
    String shortName = words[words.length - 1];
    if (heaters.containsKey(shortName)) {
      throw new ConfigError("Heater " + shortName + " already registered");
    }
    TemperatureSensor sensor = setupSensor(section);
    Heater heater = new Heater(printer, section, sensor, outputs);
    heaters.put(shortName, heater);
    loadSafetyAndCalibration(section.config(), shortName);
    gcode.registerMux("SET_HEATER_TEMPERATURE", "HEATER", shortName,
        c -> setTemperature(heater, c.getFloat("TARGET", 0.0), false),
        "Sets a heater temperature");
    registerSensor(section, heater, gcodeId);
    availableHeaters.add(section.name());
    Matcher m = gcodeId == null ? null : EXTRUDER_ID.matcher(gcodeId);
    if (m != null && m.matches()) {
      addExtruder(Integer.parseInt(m.group(1)), heater);
    }
    return heater;
  }

  private void loadSafetyAndCalibration(Config config, String shortName) {
    String verify = "verify_heater " + shortName;
    if (!printer.hasObject(verify)) {
      printer.addObject(verify, new VerifyHeaterModule(printer, config.section(verify)));
    }
    if (!printer.hasObject("pid_calibrate")) {
      printer.addObject("pid_calibrate",
          new PidCalibrateModule(printer, config.section("pid_calibrate")));
    }
  }

  private void addExtruder(int index, Heater heater) {
    if (extruders.isEmpty()) {
      gcode.register("M104", c -> cmdM104(c, false), false, null);
      gcode.register("M109", c -> cmdM104(c, true), false, null);
    }
    extruders.put(index, heater);
    if (index == 0 || activeExtruder == null) {
      activeExtruder = heater;
    }
  }

  /** The extruder M104/M109 without T act on (ACTIVATE_EXTRUDER changes it). */
  public void setActiveExtruder(Heater heater) {
    activeExtruder = heater;
  }

  /** A heater by short name ({@code extruder}, {@code heater_bed}, {@code chamber}). */
  public Heater lookupHeater(String shortName) {
    Heater h = heaters.get(shortName);
    if (h == null) {
      throw new ConfigError("Unknown heater '" + shortName + "'");
    }
    return h;
  }

  public Map<String, Heater> heaters() {
    return java.util.Collections.unmodifiableMap(heaters);
  }

  /**
   * Every heater off from {@code printTime} on; the restart waits for the toolhead, so its
   * clock is moved on to the last of them: the host lets go of the MCUs only once they are
   * off.
   */
  private void turnOffForRestart(double printTime) {
    double last = printTime;
    for (Heater h : heaters.values()) {
      last = Math.max(last, h.turnOffAt(printTime));
    }
    if (last > printTime) {
      timing.dwell(last - printTime);
    }
  }

  public void turnOffAllHeaters() {
    heaters.values().forEach(h -> h.setTemp(0));
  }

  /** Sets a target and, with {@code wait}, waits (reporting temperatures) until reached. */
  public void setTemperature(Heater heater, double celsius, boolean wait) {
    timing.registerLookaheadCallback(printTime -> {});
    heater.setTemp(celsius);
    if (wait && celsius != 0) {
      waitForTemperature(heater);
    }
  }

  /** Waits until the heater has settled at its target, as M109/M190 do. */
  public void waitForTemperature(Heater heater) {
    if (printer.startOptions().isBatch()) {
      return;
    }
    Reactor reactor = printer.reactor();
    double eventtime = reactor.monotonic();
    while (!printer.isShutdown() && heater.isBusy(eventtime)) {
      timing.lastMoveTime(); // keeps the toolhead's clock moving while nothing is queued
      gcode.respondRaw(temperatureReport(eventtime));
      eventtime = reactor.pause(eventtime + 1.0);
    }
  }

  // ---- G-code ----

  /** {@code B:60.0 /60.0 T0:210.0 /210.0}, ids in order; {@code T:0} before ready. */
  public String temperatureReport(double eventtime) {
    List<String> out = new ArrayList<>();
    if (started) {
      byGcodeId.forEach((id, s) -> {
        TemperatureSource.Temperature t = s.temperature(eventtime);
        out.add(String.format(Locale.ROOT, "%s:%.1f /%.1f", id, t.current(), t.target()));
      });
    }
    return out.isEmpty() ? "T:0" : String.join(" ", out);
  }

  private void cmdM105(GCodeCommand c) {
    String msg = temperatureReport(printer.reactor().monotonic());
    if (!c.ack(msg)) {
      c.respondRaw(msg);
    }
  }

  private void cmdM104(GCodeCommand c, boolean wait) {
    double celsius = c.getFloat("S", 0.0);
    Heater heater;
    if (c.has("T")) {
      int index = c.getInt("T", null, Bounds.min(0));
      heater = extruders.get(index);
      if (heater == null) {
        if (celsius <= 0) {
          return;
        }
        throw c.error("Extruder not configured");
      }
    } else {
      heater = activeExtruder;
      if (heater == null) {
        throw c.error("Extruder not configured");
      }
    }
    setTemperature(heater, celsius, wait);
  }

  private void cmdTemperatureWait(GCodeCommand c) {
    String name = c.get("SENSOR");
    double min = c.getFloat("MINIMUM", Double.NEGATIVE_INFINITY);
    double max = c.getFloat("MAXIMUM", Double.POSITIVE_INFINITY, Bounds.above(min));
    if (min == Double.NEGATIVE_INFINITY && max == Double.POSITIVE_INFINITY) {
      throw c.error("Error on 'TEMPERATURE_WAIT': missing MINIMUM or MAXIMUM.");
    }
    if (printer.startOptions().isBatch()) {
      return;
    }
    TemperatureSource source = sources.get(name);
    Reactor reactor = printer.reactor();
    double eventtime = reactor.monotonic();
    while (!printer.isShutdown()) {
      double t = source.temperature(eventtime).current();
      if (t >= min && t <= max) {
        return;
      }
      timing.lastMoveTime();
      c.respondRaw(temperatureReport(eventtime));
      eventtime = reactor.pause(eventtime + 1.0);
    }
  }

  /** After "ADC out of range": say which sensor read what. */
  private void explainAdcShutdown() {
    for (Supplier<String> s : adcSensors) {
      String report = s.get();
      if (report != null) {
        Heater.logInfo(report);
        gcode.respondInfo(report);
      }
    }
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("available_heaters", List.copyOf(availableHeaters));
    s.put("available_sensors", List.copyOf(availableSensors));
    s.put("available_monitors", List.copyOf(availableMonitors));
    return s;
  }
}
