package org.escapement.host.probe;

import java.util.List;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.template.TemplateEngine;
import org.escapement.host.mcu.McuEndstop;
import org.escapement.host.modules.MacroSupport;
import org.escapement.host.modules.PinSetup;
import org.escapement.host.motion.HomingProbe;
import org.escapement.host.motion.ProbeResult;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;

/**
 * [probe]'s hardware: an endstop pin, with activate_gcode / deactivate_gcode run around each
 * probe (or, with deactivate_on_each_sample off, around each series of probes).
 */
final class ProbeEndstop implements ProbeDevice, HomingProbe.Session {
  private enum Multi { OFF, FIRST, ON }

  private final Printer printer;
  private final boolean stowOnEachSample;
  private final TemplateEngine.Template activateGcode;
  private final TemplateEngine.Template deactivateGcode;
  private final McuEndstop endstop;
  private final DescendToEndstop descend;
  private Multi multi = Multi.OFF;

  ProbeEndstop(Printer printer, ConfigSection section, double[] offsets, ProbeParams params) {
    this.printer = printer;
    stowOnEachSample = section.getBoolean("deactivate_on_each_sample", true);
    MacroSupport macros = MacroSupport.of(printer);
    activateGcode = macros.load(section, "activate_gcode", "");
    deactivateGcode = macros.load(section, "deactivate_gcode", "");
    endstop = new McuEndstop(PinSetup.pin(printer, section, "pin", "endstop"),
        printer.reactor());
    printer.onEvent(Printer.Event.SHUTDOWN, endstop::shutdown);
    descend = new DescendToEndstop(printer, section, endstop, offsets, params, false);
  }

  @Override
  public boolean query(double printTime) {
    return endstop.query(printTime);
  }

  /** Runs a deploy or stow script, which must leave the head where it was. */
  private void runScript(TemplateEngine.Template script, String option) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    double[] start = toolhead.position();
    MacroSupport macros = MacroSupport.of(printer);
    macros.run(script, macros.context());
    double[] end = toolhead.position();
    for (int i = 0; i < 3; i++) {
      if (end[i] != start[i]) {
        throw new CommandError("Toolhead moved during probe " + option + " script");
      }
    }
  }

  private void raiseProbe() {
    runScript(deactivateGcode, "deactivate_gcode");
  }

  private void lowerProbe() {
    runScript(activateGcode, "activate_gcode");
  }

  @Override
  public HomingProbe.Session startProbeSession(GCodeCommand gcmd) {
    descend.pullTriggerPositions();
    if (!stowOnEachSample) {
      multi = Multi.FIRST;
    }
    return this;
  }

  private void probePrepare() {
    if (multi == Multi.OFF || multi == Multi.FIRST) {
      lowerProbe();
      if (multi == Multi.FIRST) {
        multi = Multi.ON;
      }
    }
  }

  private void probeFinish() {
    if (multi == Multi.OFF) {
      raiseProbe();
    }
  }

  @Override
  public void runProbe(GCodeCommand gcmd) {
    probePrepare();
    try {
      descend.descendUntilTrigger(gcmd);
    } catch (CommandError e) {
      probeFinish();
      throw e;
    }
    probeFinish();
  }

  @Override
  public List<ProbeResult> pullProbedResults() {
    return descend.pullTriggerPositions();
  }

  @Override
  public void endProbeSession() {
    descend.pullTriggerPositions();
    if (!stowOnEachSample) {
      raiseProbe();
      multi = Multi.OFF;
    }
  }
}
