package org.escapement.host.modules;

import java.util.List;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.motion.Homing;
import org.escapement.host.motion.Rail;
import org.escapement.host.motion.Stepper;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;

/**
 * {@code [endstop_phase STEPPER]}: after homing, the stepper's position is corrected to the
 * microstep phase its endstop triggers in ({@code trigger_phase}, or the phase of the first
 * homing), so small variations of the switch do not move the origin. A trigger further than
 * {@code endstop_accuracy} from that phase is an error. ({@code [endstop_phase]} without a
 * stepper only adds ENDSTOP_PHASE_CALIBRATE: see {@link EndstopPhasesModule}.)
 */
public final class EndstopPhaseModule {
  private final Printer printer;
  private final String name;
  private final double stepDist;
  private final int phases;
  final StepperPhase phase;
  private Integer endstopPhase;
  private final boolean alignZero;
  private final int phaseAccuracy;

  /** The module for an {@code [endstop_phase]} or {@code [endstop_phase NAME]} section. */
  public static Object create(Printer printer, ConfigSection section) {
    if (section.suffix().isEmpty()) {
      return EndstopPhasesModule.of(printer);
    }
    return new EndstopPhaseModule(printer, section);
  }

  EndstopPhaseModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    this.name = section.suffix();
    ConfigSection stepper = section.config().section(name);
    boolean radians = !stepper.has("rotation_distance") && stepper.has("gear_ratio");
    double[] dist = Stepper.parseStepDistance(stepper, radians);
    stepDist = dist[0] / dist[1];
    phases = stepper.getInt("microsteps") * 4;
    phase = new StepperPhase(name, phases, false);
    printer.onEvent("homing:home_rails_end", o -> {
      Object[] args = (Object[]) o;
      @SuppressWarnings("unchecked")
      List<Rail> rails = (List<Rail>) args[1];
      handleHomeRailsEnd((Homing) args[0], rails);
    });
    EndstopPhasesModule.of(printer);
    String trigger = section.get("trigger_phase", null);
    if (trigger != null) {
      List<Integer> p = section.getIntList("trigger_phase", null, "/", 2);
      if (p.get(0) >= p.get(1)) {
        throw new ConfigError("Invalid trigger_phase '" + trigger + "'");
      }
      endstopPhase = phase.convertPhase(p.get(0), p.get(1));
    }
    alignZero = section.getBoolean("endstop_align_zero", false);
    Double accuracy = section.getFloatOrNull("endstop_accuracy", Bounds.above(0));
    int steps;
    if (accuracy == null) {
      steps = phases / 2 - 1;
    } else if (endstopPhase != null) {
      steps = (int) Math.ceil(accuracy * .5 / stepDist);
    } else {
      steps = (int) Math.ceil(accuracy / stepDist);
    }
    if (steps >= phases / 2) {
      throw new ConfigError("Endstop for " + name + " is not accurate enough for stepper phase"
          + " adjustment");
    }
    // Batch runs have no real triggers to be accurate about.
    phaseAccuracy = printer.startOptions().isBatch() ? phases : steps;
  }

  /** With endstop_align_zero: moves the origin so position 0 is on a full step. */
  private double alignEndstop(Rail rail) {
    if (!alignZero || endstopPhase == null) {
      return 0;
    }
    int microsteps = phases / 4;
    int halfMicrosteps = microsteps / 2;
    double phaseOffset = (Math.floorMod(endstopPhase + halfMicrosteps, microsteps)
        - halfMicrosteps) * stepDist;
    double fullStep = microsteps * stepDist;
    double pe = rail.homingInfo().positionEndstop();
    return (int) (pe / fullStep + .5) * fullStep - pe + phaseOffset;
  }

  /** How far (mm) the trigger was from the expected phase. */
  private double homedOffset(long triggerMcuPosition) {
    int p = phase.calcPhase(triggerMcuPosition);
    if (endstopPhase == null) {
      System.getLogger("endstop_phase").log(System.Logger.Level.INFO,
          "Setting " + name + " endstop phase to " + p);
      endstopPhase = p;
      return 0;
    }
    int delta = Math.floorMod(p - endstopPhase, phases);
    if (delta >= phases - phaseAccuracy) {
      delta -= phases;
    } else if (delta > phaseAccuracy) {
      throw new CommandError("Endstop " + name + " incorrect phase (got " + p + " vs "
          + endstopPhase + ")");
    }
    return delta * stepDist;
  }

  private void handleHomeRailsEnd(Homing homing, List<Rail> rails) {
    for (Rail rail : rails) {
      Object first = rail.endstops().get(0).endstop().steppers().get(0);
      if (((Stepper) first).name().equals(name)) {
        double align = alignEndstop(rail);
        double offset = homedOffset(homing.triggerPosition(name));
        homing.setStepperAdjustment(name, align + offset);
        return;
      }
    }
  }
}
