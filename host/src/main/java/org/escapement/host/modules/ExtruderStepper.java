package org.escapement.host.modules;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.log.KlippyLog;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.motion.steps.ExtruderKinematics;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;

/**
 * A filament drive motor: the stepper of an {@code [extruder]} or of an
 * {@code [extruder_stepper]}. It follows the motion queue (trapq) of one extruder, or none,
 * with pressure advance of its own. Its G-code commands are addressed by its short name:
 * SET_PRESSURE_ADVANCE, SET_EXTRUDER_ROTATION_DISTANCE and SYNC_EXTRUDER_MOTION with
 * {@code EXTRUDER=name}.
 */
public final class ExtruderStepper {
  private final Printer printer;
  /** The last word of the section name: "extruder", "my_extra_stepper". */
  private final String name;
  private final Stepper stepper;
  private final ExtruderKinematics kinematics;
  private final double configAdvance;
  private final double configSmoothTime;
  private double pressureAdvance;
  private double smoothTime;
  /** The extruder whose trapq the motor follows; null while it follows none. */
  private String motionQueue;

  ExtruderStepper(Printer printer, ConfigSection section) {
    this.printer = printer;
    String[] words = section.name().split("\\s+");
    this.name = words[words.length - 1];
    configAdvance = section.getFloat("pressure_advance", 0.0, Bounds.min(0));
    configSmoothTime = section.getFloat("pressure_advance_smooth_time", 0.040,
        Bounds.above(0).andMax(0.200));
    stepper = Stepper.fromConfig(printer, section, false);
    kinematics = new ExtruderKinematics();
    stepper.setKinematics(kinematics);
    printer.onEvent(Printer.Event.CONNECT, () -> setPressureAdvance(configAdvance,
        configSmoothTime));
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    if (name.equals("extruder")) {
      gcode.registerMux("SET_PRESSURE_ADVANCE", "EXTRUDER", null, this::cmdDefaultSetPa,
          "Set pressure advance parameters");
    }
    gcode.registerMux("SET_PRESSURE_ADVANCE", "EXTRUDER", name, this::cmdSetPa,
        "Set pressure advance parameters");
    gcode.registerMux("SET_EXTRUDER_ROTATION_DISTANCE", "EXTRUDER", name,
        this::cmdSetRotationDistance, "Set extruder rotation distance");
    gcode.registerMux("SYNC_EXTRUDER_MOTION", "EXTRUDER", name, this::cmdSyncExtruderMotion,
        "Set extruder stepper motion queue");
  }

  public String name() {
    return name;
  }

  public Stepper stepper() {
    return stepper;
  }

  public double pressureAdvance() {
    return pressureAdvance;
  }

  public double smoothTime() {
    return smoothTime;
  }

  /** The extruder this motor follows, or null. */
  public String motionQueue() {
    return motionQueue;
  }

  /** Where the motor was at {@code printTime} (mm of filament), from the steps sent. */
  public double findPastPosition(double printTime) {
    return stepper.mcuToCommandedPosition(stepper.pastMcuPosition(printTime));
  }

  /**
   * Makes the motor follow the extruder named {@code extruderName} ("extruder",
   * "extruder1"...) from its current position on; null or empty: follow nothing.
   */
  public void syncToExtruder(String extruderName) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    toolhead.flushStepGeneration();
    if (extruderName == null || extruderName.isEmpty()) {
      stepper.setTrapq(null);
      motionQueue = null;
      toolhead.motion().checkStepGenerationScanWindows();
      return;
    }
    ExtruderModule extruder = printer.lookupObjectOrNull(extruderName, ExtruderModule.class);
    if (extruder == null) {
      throw new CommandError("'" + extruderName + "' is not a valid extruder.");
    }
    stepper.setPosition(new double[] {extruder.lastPosition(), 0, 0});
    stepper.setTrapq(extruder.trapq());
    motionQueue = extruderName;
    toolhead.motion().checkStepGenerationScanWindows();
  }

  /**
   * The [extruder]'s own motor starts on its extruder's trapq without being "synced" (its
   * motion_queue stays None until SYNC_EXTRUDER_MOTION, as in Klipper).
   */
  void attachTo(ExtruderModule extruder) {
    stepper.setTrapq(extruder.trapq());
  }

  // ---- pressure advance ----

  private void setPressureAdvance(double advance, double smooth) {
    double oldSmooth = pressureAdvance == 0 ? 0 : smoothTime;
    double newSmooth = advance == 0 ? 0 : smooth;
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    if (newSmooth != oldSmooth) {
      // A new smoothing window changes how far around motion steps are made: flush first.
      toolhead.flushStepGeneration();
      kinematics.setPressureAdvance(0, advance, newSmooth);
      toolhead.motion().checkStepGenerationScanWindows();
    } else {
      toolhead.registerLookaheadCallback(t -> kinematics.setPressureAdvance(t, advance,
          newSmooth));
    }
    pressureAdvance = advance;
    smoothTime = smooth;
  }

  /** SET_PRESSURE_ADVANCE without EXTRUDER: the active extruder's own motor. */
  private void cmdDefaultSetPa(GCodeCommand c) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    if (!(toolhead.extruder() instanceof ExtruderModule e) || e.extruderStepper() == null) {
      throw c.error("Active extruder does not have a stepper");
    }
    if (e.extruderStepper().stepper.trapq() != e.trapq()) {
      throw c.error("Unable to infer active extruder stepper");
    }
    e.extruderStepper().cmdSetPa(c);
  }

  private void cmdSetPa(GCodeCommand c) {
    double advance = c.getFloat("ADVANCE", pressureAdvance, Bounds.min(0));
    double smooth = c.getFloat("SMOOTH_TIME", smoothTime, Bounds.range(0, 0.200));
    setPressureAdvance(advance, smooth);
    String msg = String.format(Locale.ROOT, "pressure_advance: %.6f\n"
        + "pressure_advance_smooth_time: %.6f", advance, smooth);
    KlippyLog log = KlippyLog.current();
    if (log != null) {
      log.setRolloverInfo(name, name + ": " + msg, true);
    }
    c.respondInfo(msg);
  }

  private void cmdSetRotationDistance(GCodeCommand c) {
    Double dist = c.getFloatOrNull("DISTANCE", Bounds.NONE);
    if (dist != null) {
      if (dist == 0) {
        throw c.error("Rotation distance can not be zero");
      }
      boolean invert = stepper.originalDirInverted();
      if (dist < 0) {
        invert = !invert;
        dist = -dist;
      }
      printer.lookupObject("toolhead", Toolhead.class).flushStepGeneration();
      stepper.setRotationDistance(dist);
      stepper.setDirInverted(invert);
    } else {
      dist = stepper.rotationDistance()[0];
    }
    if (stepper.dirInverted() != stepper.originalDirInverted()) {
      dist = -dist;
    }
    c.respondInfo(String.format(Locale.ROOT, "Extruder '%s' rotation distance set to %.6f",
        name, dist));
  }

  private void cmdSyncExtruderMotion(GCodeCommand c) {
    String queue = c.get("MOTION_QUEUE");
    syncToExtruder(queue);
    c.respondInfo("Extruder '" + name + "' now syncing with '" + queue + "'");
  }

  /** pressure_advance, smooth_time and motion_queue, as Klipper reports them. */
  public Map<String, Object> status() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("pressure_advance", pressureAdvance);
    s.put("smooth_time", smoothTime);
    s.put("motion_queue", motionQueue);
    return s;
  }
}
