package org.escapement.host.modules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.motion.Homing;
import org.escapement.host.motion.Rail;
import org.escapement.host.motion.Stepper;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [endstop_phase]}: ENDSTOP_PHASE_CALIBRATE. Every homing counts the phase each
 * stepper's endstop triggered in; the command reports, per stepper, the phase that best fits
 * those counts and the range seen, and with STEPPER= keeps it as that stepper's
 * trigger_phase for SAVE_CONFIG. Phases are known for steppers with an [endstop_phase NAME]
 * section (from their microsteps); drivers that report their phase are not supported yet.
 */
public final class EndstopPhasesModule implements StatusProvider {
  private final Printer printer;
  private final Map<String, StepperPhase> tracking = new LinkedHashMap<>();

  /** The one instance (the section's, or one made for [endstop_phase NAME]). */
  public static EndstopPhasesModule of(Printer printer) {
    EndstopPhasesModule m = printer.lookupObjectOrNull("endstop_phase",
        EndstopPhasesModule.class);
    if (m == null) {
      m = new EndstopPhasesModule(printer);
      printer.addObject("endstop_phase", m);
    }
    return m;
  }

  private EndstopPhasesModule(Printer printer) {
    this.printer = printer;
    printer.onEvent("homing:home_rails_end", o -> {
      Object[] args = (Object[]) o;
      @SuppressWarnings("unchecked")
      List<Rail> rails = (List<Rail>) args[1];
      handleHomeRailsEnd((Homing) args[0], rails);
    });
    printer.lookupObject("gcode", GCodeDispatch.class).register("ENDSTOP_PHASE_CALIBRATE",
        this::cmdCalibrate, false, "Calibrate stepper phase");
  }

  private void handleHomeRailsEnd(Homing homing, List<Rail> rails) {
    for (Rail rail : rails) {
      boolean primary = true;
      for (Stepper s : rail.steppers()) {
        updateStepper(s.name(), homing.triggerPosition(s.name()), primary);
        primary = false;
      }
    }
  }

  private void updateStepper(String stepper, long triggerMcuPosition, boolean primary) {
    StepperPhase phase = tracking.get(stepper);
    if (phase == null) {
      EndstopPhaseModule m = printer.lookupObjectOrNull("endstop_phase " + stepper,
          EndstopPhaseModule.class);
      phase = m != null ? m.phase : new StepperPhase(stepper, null, true);
      tracking.put(stepper, phase);
    }
    if (phase.history == null) {
      return;
    }
    if (primary) {
      phase.isPrimary = true;
    }
    if (phase.statsOnly) {
      phase.calcPhase(triggerMcuPosition);
    }
  }

  private void cmdCalibrate(GCodeCommand c) {
    String stepper = c.get("STEPPER", null);
    if (stepper == null) {
      reportStats(c);
      return;
    }
    StepperPhase phase = tracking.get(stepper);
    if (phase == null || phase.history == null) {
      throw c.error("Stats not available for stepper " + stepper);
    }
    int best = generateStats(c, phase);
    if (!phase.isPrimary) {
      return;
    }
    ConfigFileStatus configfile = printer.lookupObject("configfile", ConfigFileStatus.class);
    String section = "endstop_phase " + stepper;
    configfile.removeSection(section);
    configfile.set(section, "trigger_phase", best + "/" + phase.phases);
    configfile.registerSaveConfig(printer);
    c.respondInfo("The SAVE_CONFIG command will update the printer config\n"
        + "file with these parameters and restart the printer.");
  }

  /**
   * The phase that minimises the summed distance (in phases, around the cycle) to every
   * recorded trigger, and the range of triggers around it; reported and returned.
   */
  private int generateStats(GCodeCommand c, StepperPhase phase) {
    int[] h = phase.history;
    int phases = h.length;
    int half = phases / 2;
    long bestCost = Long.MAX_VALUE;
    int best = 0;
    for (int i = 0; i < phases; i++) {
      int centre = i + half;
      long cost = 0;
      for (int j = i; j < i + phases; j++) {
        cost += (long) h[j % phases] * Math.abs(j - centre);
      }
      if (cost < bestCost) { // ties: the lowest, as a sort of (cost, phase) pairs would pick
        bestCost = cost;
        best = centre;
      }
    }
    List<Integer> found = new ArrayList<>();
    for (int j = best - half; j < best + half; j++) {
      if (h[j % phases] != 0) { // j runs within 0 .. 2 * phases - 1
        found.add(j);
      }
    }
    int bestPhase = best % phases;
    int lo = found.isEmpty() ? bestPhase : found.get(0) % phases;
    int hi = found.isEmpty() ? bestPhase : found.get(found.size() - 1) % phases;
    c.respondInfo(String.format(java.util.Locale.ROOT, "%s: trigger_phase=%d/%d (range %d to %d)", phase.stepper,
        bestPhase, phases, lo, hi));
    return bestPhase;
  }

  private void reportStats(GCodeCommand c) {
    if (tracking.isEmpty()) {
      c.respondInfo("No steppers found. (Be sure to home at least once.)");
      return;
    }
    for (StepperPhase phase : new TreeMap<>(tracking).values()) {
      if (phase.history != null && phase.isPrimary) {
        generateStats(c, phase);
      }
    }
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> lastHome = new LinkedHashMap<>();
    tracking.forEach((name, p) -> {
      if (p.history != null) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("phase", p.lastPhase);
        e.put("phases", p.phases);
        e.put("mcu_position", p.lastMcuPosition);
        lastHome.put(name, e);
      }
    });
    return Map.of("last_home", lastHome);
  }
}
