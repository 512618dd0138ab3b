package org.escapement.host.modules;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.template.TemplateEngine;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;
import org.escapement.host.reactor.Reactor;

/**
 * {@code [idle_timeout]}: the printer's activity state (Printing, Ready, Idle) for interfaces
 * and, after {@code timeout} seconds (600) of no activity, a script (by default: heaters off,
 * motors off), so a forgotten printer does not stay hot.
 */
public final class IdleTimeoutModule implements StatusProvider {
  static final String DEFAULT_IDLE_GCODE = """
      {% if 'heaters' in printer %}
         TURN_OFF_HEATERS
      {% endif %}
      M84
      """;
  static final double PIN_MIN_TIME = 0.100;
  static final double READY_TIMEOUT = 0.500;

  private final Printer printer;
  private final Reactor reactor;
  private final GCodeDispatch gcode;
  private final MacroSupport macros;
  private final TemplateEngine.Template idleGcode;
  private double idleTimeout;
  private Toolhead toolhead;
  private Reactor.Timer timer;
  private String state = "Idle";
  private double lastPrintStart;

  public IdleTimeoutModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    this.reactor = printer.reactor();
    gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    idleTimeout = section.getFloat("timeout", 600.0, Bounds.above(0));
    macros = MacroSupport.of(printer);
    idleGcode = macros.load(section, "gcode", DEFAULT_IDLE_GCODE);
    gcode.register("SET_IDLE_TIMEOUT", this::cmdSetIdleTimeout, false,
        "Set the idle timeout in seconds");
    printer.onEvent(Printer.Event.READY, () -> {
      toolhead = printer.lookupObject("toolhead", Toolhead.class);
      timer = reactor.registerTimer(this::onTimer, Reactor.NEVER);
      printer.onEvent("toolhead:sync_print_time", o -> {
        double[] v = (double[]) o; // {eventtime, estimated print time, print time}
        startPrinting(v[0], v[1], v[2]);
      });
    });
  }

  private double onTimer(double eventtime) {
    if (printer.isShutdown()) {
      return Reactor.NEVER;
    }
    double[] busy = toolhead.checkBusy(eventtime);
    double printTime = busy[0];
    double est = busy[1];
    boolean lookaheadEmpty = busy[2] != 0;
    if (state.equals("Ready")) {
      double idleTime = est - printTime;
      if (!lookaheadEmpty || idleTime < 1.0) {
        return eventtime + idleTimeout;
      }
      if (idleTime < idleTimeout) {
        return eventtime + idleTimeout - idleTime;
      }
      if (gcode.mutex().isLocked()) {
        return eventtime + 1.0;
      }
      goIdle();
      return Reactor.NEVER;
    }
    double bufferTime = Math.min(2.0, printTime - est);
    if (!lookaheadEmpty) {
      return eventtime + READY_TIMEOUT + Math.max(0, bufferTime);
    }
    if (bufferTime > -READY_TIMEOUT) {
      return eventtime + READY_TIMEOUT + bufferTime;
    }
    if (gcode.mutex().isLocked()) {
      return eventtime + READY_TIMEOUT;
    }
    state = "Ready";
    printer.sendEvent("idle_timeout:ready", est + PIN_MIN_TIME * printer.reactor().latencyScale());
    return eventtime + idleTimeout;
  }

  /** The timeout ran out: run the idle script (in a fiber: it may wait for moves). */
  private void goIdle() {
    state = "Printing";
    reactor.spawn(() -> {
      try {
        gcode.runScript(macros.render(idleGcode, macros.context()));
      } catch (CommandError e) {
        System.getLogger("idle_timeout").log(System.Logger.Level.WARNING,
            "idle timeout gcode execution: " + e.getMessage());
        state = "Ready";
        reactor.updateTimer(timer, reactor.monotonic() + 1.0);
        return;
      }
      double printTime = toolhead.lastMoveTime();
      state = "Idle";
      printer.sendEvent("idle_timeout:idle", printTime);
    });
  }

  private void startPrinting(double eventtime, double est, double printTime) {
    if (state.equals("Printing")) {
      return;
    }
    state = "Printing";
    lastPrintStart = eventtime;
    reactor.updateTimer(timer, eventtime + READY_TIMEOUT + Math.max(0, printTime - est));
    printer.sendEvent("idle_timeout:printing", est + PIN_MIN_TIME * printer.reactor().latencyScale());
  }

  private void cmdSetIdleTimeout(GCodeCommand c) {
    idleTimeout = c.getFloat("TIMEOUT", idleTimeout, Bounds.above(0));
    c.respondInfo(String.format(Locale.ROOT, "idle_timeout: Timeout set to %.2f s",
        idleTimeout));
    if (state.equals("Ready")) {
      reactor.updateTimer(timer, reactor.monotonic() + idleTimeout);
    }
  }

  public String state() {
    return state;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("state", state);
    s.put("printing_time", state.equals("Printing") ? eventtime - lastPrintStart : 0.0);
    s.put("idle_timeout", idleTimeout);
    return s;
  }
}
