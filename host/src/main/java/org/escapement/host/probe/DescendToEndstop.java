package org.escapement.host.probe;

import java.util.ArrayList;
import java.util.List;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.mcu.Endstop;
import org.escapement.host.motion.Homing;
import org.escapement.host.motion.ProbeResult;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.Printer;

/**
 * A probe that is an endstop: each probe lowers the head toward the Z minimum until the
 * endstop triggers, with every Z stepper stopped by the trigger.
 */
final class DescendToEndstop {
  private final Printer printer;
  private final Endstop endstop;
  private final double[] offsets;
  private final ProbeParams params;
  private final boolean alwaysCheckMovement;
  private final double zMinPosition;
  private final List<ProbeResult> results = new ArrayList<>();

  /**
   * @param alwaysCheckMovement also when homing Z, a probe triggered before moving is an
   *     error (a BLTouch reports triggered when its pin fails to deploy)
   */
  DescendToEndstop(Printer printer, ConfigSection section, Endstop endstop, double[] offsets,
      ProbeParams params, boolean alwaysCheckMovement) {
    this.printer = printer;
    this.endstop = endstop;
    this.offsets = offsets;
    this.params = params;
    this.alwaysCheckMovement = alwaysCheckMovement;
    this.zMinPosition = minimumZ(section.config());
    printer.onEvent(Printer.Event.MCU_IDENTIFY, this::addZSteppers);
  }

  /** The probe may descend as low as Z may go. */
  private static double minimumZ(Config config) {
    ConfigSection z = zEndstopSection(config);
    if (z != null) {
      return z.getFloat("position_min", 0.0);
    }
    return config.section("printer").getFloat("minimum_z_position", 0.0);
  }

  /** [stepper_z], or the [carriage] whose axis is z. */
  static ConfigSection zEndstopSection(Config config) {
    if (config.hasSection("stepper_z")) {
      return config.section("stepper_z");
    }
    for (ConfigSection c : config.sectionsWithPrefix("carriage ")) {
      String name = c.name().substring(c.name().lastIndexOf(' ') + 1).strip();
      if (c.get("axis", name).equals("z")) {
        return c;
      }
    }
    return null;
  }

  private void addZSteppers() {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    for (Stepper s : toolhead.kinematics().steppers()) {
      if (s.isActiveAxis('z')) {
        endstop.addStepper(s);
      }
    }
  }

  void descendUntilTrigger(GCodeCommand gcmd) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    double[] pos = toolhead.position();
    pos[2] = zMinPosition;
    double speed = params.values(gcmd).probeSpeed();
    Homing.Commands homing = printer.lookupObject("homing", Homing.Commands.class);
    // Homing Z by probe starts from an unknown height: the probe may already touch.
    boolean checkMovement = alwaysCheckMovement || !homing.isProbeFirstHome(gcmd);
    double[] trigger = homing.probingMove(endstop, pos, speed, checkMovement);
    results.add(ProbeResult.of(trigger, offsets));
  }

  List<ProbeResult> pullTriggerPositions() {
    List<ProbeResult> r = List.copyOf(results);
    results.clear();
    return r;
  }
}
