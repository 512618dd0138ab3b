package org.escapement.host.modules;

import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.GCodeError;
import org.escapement.host.gcode.template.TemplateEngine;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;
import org.escapement.host.reactor.Reactor;

/**
 * {@code [delayed_gcode NAME]}: a template run after a delay ({@code initial_duration} after
 * startup, or as set by UPDATE_DELAYED_GCODE ID=NAME DURATION=seconds; 0 cancels).
 */
public final class DelayedGcodeModule implements StatusProvider {
  private static final System.Logger LOG = System.getLogger("delayed_gcode");
  private final Printer printer;
  private final MacroSupport macros;
  private final TemplateEngine.Template template;
  private final double initialDuration;
  private Reactor.Timer timer;
  private boolean running;
  private double scheduled;

  public DelayedGcodeModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    macros = MacroSupport.of(printer);
    template = macros.load(section, "gcode", null);
    initialDuration = section.getFloat("initial_duration", 0.0, Bounds.min(0));
    String name = section.suffix();
    printer.lookupObject("gcode", GCodeDispatch.class).registerMux("UPDATE_DELAYED_GCODE", "ID",
        name, this::update, "Update the duration of a delayed_gcode");
    printer.onEvent(Printer.Event.READY, () -> {
      if (initialDuration > 0) {
        schedule(initialDuration);
      }
    });
  }

  private void schedule(double seconds) {
    Reactor reactor = printer.reactor();
    if (timer == null) {
      timer = reactor.registerTimer(this::fire, Reactor.NEVER);
    }
    scheduled = seconds == 0 ? Reactor.NEVER : reactor.monotonic() + seconds;
    if (!running) {
      reactor.updateTimer(timer, scheduled);
    }
  }

  private double fire(double eventtime) {
    running = true;
    scheduled = Reactor.NEVER;
    printer.reactor().spawn(() -> {
      GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
      try {
        gcode.runScript(macros.render(template, macros.context()));
      } catch (CommandError e) {
        LOG.log(System.Logger.Level.WARNING, "Script running error: " + e.getMessage());
      } finally {
        running = false;
        if (scheduled != Reactor.NEVER) {
          printer.reactor().updateTimer(timer, scheduled); // re-armed from inside the script
        }
      }
    });
    return Reactor.NEVER;
  }

  private void update(GCodeCommand cmd) {
    schedule(cmd.getFloat("DURATION", null, Bounds.min(0)));
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return Map.of();
  }
}
