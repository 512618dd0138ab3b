package org.escapement.host.modules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.template.TemplateEngine;
import org.escapement.host.printer.Printer;
import org.escapement.host.reactor.Reactor;

/**
 * What a filament sensor does with its readings: while printing, filament running out
 * pauses the print (pause_on_runout) and runs runout_gcode; while not printing, filament
 * put in runs insert_gcode. Readings in the first two seconds after start, within
 * event_delay of the last event, or with the sensor disabled change only the state.
 * QUERY_FILAMENT_SENSOR and SET_FILAMENT_SENSOR address it by the section's name.
 */
final class RunoutHelper {
  private static final System.Logger LOG = System.getLogger("filament_sensor");

  private final Printer printer;
  private final String name;
  private final boolean runoutPause;
  private final TemplateEngine.Template runoutGcode;
  private final TemplateEngine.Template insertGcode;
  private final double pauseDelay;
  private final double eventDelay;
  private double minEventSystime = Reactor.NEVER;
  private boolean filamentPresent;
  private boolean sensorEnabled = true;

  RunoutHelper(Printer printer, ConfigSection section) {
    this.printer = printer;
    String[] words = section.name().split("\\s+");
    name = words[words.length - 1];
    runoutPause = section.getBoolean("pause_on_runout", true);
    if (runoutPause && !printer.hasObject("pause_resume")) {
      // Klipper loads [pause_resume] for the sensor when the config has none (yet).
      printer.addObject("pause_resume",
          new PauseResumeModule(printer, section.config().section("pause_resume")));
    }
    MacroSupport macros = MacroSupport.of(printer);
    runoutGcode = runoutPause || section.get("runout_gcode", null) != null
        ? macros.load(section, "runout_gcode", "") : null;
    insertGcode = section.get("insert_gcode", null) != null
        ? macros.load(section, "insert_gcode", null) : null;
    pauseDelay = section.getFloat("pause_delay", 0.5, Bounds.above(0));
    eventDelay = section.getFloat("event_delay", 3.0, Bounds.min(0));
    printer.onEvent(Printer.Event.READY,
        () -> minEventSystime = printer.reactor().monotonic() + 2.0);
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.registerMux("QUERY_FILAMENT_SENSOR", "SENSOR", name, this::cmdQuery,
        "Query the status of the Filament Sensor");
    gcode.registerMux("SET_FILAMENT_SENSOR", "SENSOR", name,
        c -> sensorEnabled = c.getInt("ENABLE", 1) != 0, "Sets the filament sensor on/off");
  }

  /** The sensor's reading at {@code eventtime} (host time). */
  void noteFilamentPresent(double eventtime, boolean present) {
    if (present == filamentPresent) {
      return;
    }
    filamentPresent = present;
    if (eventtime < minEventSystime || !sensorEnabled) {
      return;
    }
    Reactor reactor = printer.reactor();
    double now = reactor.monotonic();
    IdleTimeoutModule idle = printer.lookupObjectOrNull("idle_timeout", IdleTimeoutModule.class);
    boolean printing = idle != null && idle.state().equals("Printing");
    if (present) {
      if (!printing && insertGcode != null) {
        minEventSystime = Reactor.NEVER;
        LOG.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT,
            "Filament Sensor %s: insert event detected, Time %.2f", name, now));
        reactor.spawn(() -> runEvent("", insertGcode));
      }
    } else if (printing && runoutGcode != null) {
      minEventSystime = Reactor.NEVER;
      LOG.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT,
          "Filament Sensor %s: runout event detected, Time %.2f", name, now));
      reactor.spawn(this::runRunout);
    }
  }

  private void runRunout() {
    String prefix = "";
    if (runoutPause) {
      // The print source must stop at once, before the script waits its turn.
      printer.lookupObject("pause_resume", PauseResumeModule.class).sendPauseCommand();
      prefix = "PAUSE\n";
      printer.reactor().pause(printer.reactor().monotonic() + pauseDelay);
    }
    runEvent(prefix, runoutGcode);
  }

  private void runEvent(String prefix, TemplateEngine.Template template) {
    MacroSupport macros = MacroSupport.of(printer);
    try {
      printer.lookupObject("gcode", GCodeDispatch.class).runScript(
          prefix + macros.render(template, macros.context()) + "\nM400");
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "Script running error: " + e.getMessage());
    }
    minEventSystime = printer.reactor().monotonic() + eventDelay;
  }

  private void cmdQuery(GCodeCommand c) {
    c.respondInfo("Filament Sensor " + name + ": filament "
        + (filamentPresent ? "detected" : "not detected"));
  }

  Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("filament_detected", filamentPresent);
    s.put("enabled", sensorEnabled);
    return s;
  }
}
