package org.escapement.host.modules;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.heaters.Heater;
import org.escapement.host.heaters.Heaters;
import org.escapement.host.motion.ExtraAxis;
import org.escapement.host.motion.Move;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.motion.Trapq;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatsSource;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [extruder]}, {@code [extruder1]}...: a hotend (its heater) and the filament drive (its
 * stepper, on a trapq of its own). Extrusion moves are checked against the nozzle's limits and
 * queued with the toolhead's moves; pressure advance shapes the motor's motion.
 */
public final class ExtruderModule implements ExtraAxis, StatusProvider, StatsSource {
  private final Printer printer;
  private final String name;
  private final Heater heater;
  private final double nozzleDiameter;
  private final double filamentArea;
  private final double maxExtrudeRatio;
  private final double maxEVelocity;
  private final double maxEAccel;
  private final double maxEDist;
  private final double instantCornerV;
  private final Trapq trapq;
  /** The extruder's own motor (null for a heater-only [extruder]). */
  private final ExtruderStepper extruderStepper;
  private double lastPosition;

  /** Creates [extruder], [extruder1]... in order, once the toolhead exists. */
  public static void createAll(Printer printer, Config config) {
    for (int i = 0; i < 99; i++) {
      String section = i == 0 ? "extruder" : "extruder" + i;
      if (!config.hasSection(section)) {
        break;
      }
      printer.addObject(section, new ExtruderModule(printer, config.section(section), i));
    }
  }

  private ExtruderModule(Printer printer, ConfigSection section, int index) {
    this.printer = printer;
    this.name = section.name();
    heater = Heaters.of(printer).setupHeater(section, "T" + index);
    nozzleDiameter = section.getFloat("nozzle_diameter", null, Bounds.above(0));
    double filamentDiameter = section.getFloat("filament_diameter", null,
        Bounds.min(nozzleDiameter));
    filamentArea = Math.PI * Math.pow(filamentDiameter * 0.5, 2);
    double defMaxCross = 4.0 * nozzleDiameter * nozzleDiameter;
    double defMaxExtrudeRatio = defMaxCross / filamentArea;
    double maxCross = section.getFloat("max_extrude_cross_section", defMaxCross,
        Bounds.above(0));
    maxExtrudeRatio = maxCross / filamentArea;
    System.getLogger("extruder").log(System.Logger.Level.INFO, String.format(Locale.ROOT,
        "Extruder max_extrude_ratio=%.6f", maxExtrudeRatio));
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    maxEVelocity = section.getFloat("max_extrude_only_velocity",
        toolhead.maxVelocity() * defMaxExtrudeRatio, Bounds.above(0));
    maxEAccel = section.getFloat("max_extrude_only_accel",
        toolhead.maxAccel() * defMaxExtrudeRatio, Bounds.above(0));
    maxEDist = section.getFloat("max_extrude_only_distance", 50.0, Bounds.min(0));
    instantCornerV = section.getFloat("instantaneous_corner_velocity", 1.0, Bounds.min(0));
    trapq = toolhead.motion().allocateTrapq();
    if (section.has("step_pin") || section.has("dir_pin") || section.has("rotation_distance")) {
      extruderStepper = new ExtruderStepper(printer, section);
      extruderStepper.attachTo(this);
    } else {
      extruderStepper = null;
    }
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    if (index == 0) {
      toolhead.setExtruder(this, 0);
    }
    gcode.registerMux("ACTIVATE_EXTRUDER", "EXTRUDER", name, this::cmdActivate,
        "Change the active extruder");
  }

  @Override
  public String name() {
    return name;
  }

  public Heater heater() {
    return heater;
  }

  @Override
  public Trapq trapq() {
    return trapq;
  }

  /** The extruder's own motor, or null. */
  public ExtruderStepper extruderStepper() {
    return extruderStepper;
  }

  /** The filament position at the end of the last queued move. */
  public double lastPosition() {
    return lastPosition;
  }

  // ---- the extruder as a toolhead axis ----

  @Override
  public void checkMove(Move move, int axis) {
    if (!heater.canExtrude()) {
      throw new CommandError("Extrude below minimum temp\n"
          + "See the 'min_extrude_temp' config option for details");
    }
    double axisR = move.axesR[axis];
    double axisD = move.axesD[axis];
    if ((move.axesD[0] == 0 && move.axesD[1] == 0) || axisR < 0) {
      // Extrude only (or retract): its own speed and acceleration limits.
      if (Math.abs(axisD) > maxEDist) {
        throw new CommandError(String.format(Locale.ROOT, "Extrude only move too long (%.3fmm"
            + " vs %.3fmm)\nSee the 'max_extrude_only_distance' config option for details",
            axisD, maxEDist));
      }
      double inv = 1.0 / Math.abs(axisR);
      move.limitSpeed(maxEVelocity * inv, maxEAccel * inv);
    } else if (axisR > maxExtrudeRatio) {
      if (axisD <= nozzleDiameter * maxExtrudeRatio) {
        return; // tiny amounts are fine
      }
      double area = axisR * filamentArea;
      throw new CommandError(String.format(Locale.ROOT, "Move exceeds maximum extrusion"
          + " (%.3fmm^2 vs %.3fmm^2)\nSee the 'max_extrude_cross_section' config option for"
          + " details", area, maxExtrudeRatio * filamentArea));
    }
  }

  @Override
  public double calcJunction(Move prev, Move move, int axis) {
    double diff = move.axesR[axis] - prev.axesR[axis];
    if (diff != 0) {
      double v = instantCornerV / Math.abs(diff);
      return v * v;
    }
    return move.maxCruiseV2;
  }

  @Override
  public void processMove(double printTime, Move move, int axis) {
    double axisR = move.axesR[axis];
    // y flags moves pressure advance applies to: extruding while the head moves in XY.
    boolean canAdvance = axisR > 0 && (move.axesD[0] != 0 || move.axesD[1] != 0);
    trapq.append(printTime, move.accelT, move.cruiseT, move.decelT, move.startPos[axis], 0, 0,
        1, canAdvance ? 1 : 0, 0, move.startV * axisR, move.cruiseV * axisR,
        move.accel * axisR);
    lastPosition = move.endPos[axis];
  }

  @Override
  public double findPastPosition(double printTime) {
    return extruderStepper == null ? 0 : extruderStepper.findPastPosition(printTime);
  }

  private void cmdActivate(GCodeCommand c) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    if (toolhead.extruder() == this) {
      c.respondInfo("Extruder " + name + " already active");
      return;
    }
    c.respondInfo("Activating extruder " + name);
    toolhead.flushStepGeneration();
    toolhead.setExtruder(this, lastPosition);
    Heaters.of(printer).setActiveExtruder(heater);
    printer.sendEvent("extruder:activate_extruder", null);
  }

  @Override
  public Stats stats(double eventtime) {
    return heater.stats(eventtime);
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>(heater.status(eventtime));
    s.put("can_extrude", heater.canExtrude());
    if (extruderStepper != null) {
      s.putAll(extruderStepper.status());
    }
    return s;
  }
}
