package org.escapement.host.modules;

import java.util.List;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.motion.Homing;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.Printer;

/**
 * {@code [safe_z_home]}: G28 homes Z at {@code home_xy_position} (over the bed, where a probe
 * or nozzle endstop has something to touch), after X and Y. With {@code z_hop} the head is
 * first lifted that far (if Z is not homed, Z is taken to be 0 for the lift), and again after
 * homing Z; {@code move_to_previous} returns to the XY position from before.
 */
public final class SafeZHomeModule {
  private final Printer printer;
  private final double homeX;
  private final double homeY;
  private final double zHop;
  private final double zHopSpeed;
  private final double speed;
  private final boolean moveToPrevious;
  private final GCodeDispatch gcode;
  private final GCodeDispatch.Handler previousG28;

  public SafeZHomeModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    List<Double> xy = section.getFloatList("home_xy_position", null, ",", 2);
    homeX = xy.get(0);
    homeY = xy.get(1);
    zHop = section.getFloat("z_hop", 0.0);
    zHopSpeed = section.getFloat("z_hop_speed", 15.0, Bounds.above(0));
    Config config = section.config();
    ConfigSection zConfig = zEndstopSection(config);
    if (zConfig == null) {
      throw new ConfigError("Missing Z endstop config for safe_z_homing");
    }
    zConfig.getFloat("position_max", null); // Z needs a range to hop within
    speed = section.getFloat("speed", 50.0, Bounds.above(0));
    moveToPrevious = section.getBoolean("move_to_previous", false);
    Homing.registerCommands(printer);
    gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    previousG28 = gcode.unregister("G28");
    gcode.register("G28", this::cmdG28, false, null);
    if (config.hasSection("homing_override")) {
      throw new ConfigError("homing_override and safe_z_homing cannot be used simultaneously");
    }
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

  private String homedAxes(Toolhead toolhead) {
    return (String) toolhead.kinematics().status(printer.reactor().monotonic())
        .get("homed_axes");
  }

  private void home(String... axes) {
    Map<String, String> params = new java.util.LinkedHashMap<>();
    for (String a : axes) {
      params.put(a, "0");
    }
    previousG28.run(gcode.createCommand("G28", "G28", params));
  }

  private void cmdG28(GCodeCommand c) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    if (zHop != 0) {
      double[] pos = toolhead.position();
      if (!homedAxes(toolhead).contains("z")) {
        // Z unknown: call it 0 and lift, then forget it again.
        pos[2] = 0;
        toolhead.setPosition(pos, "z");
        toolhead.manualMove(new Double[] {null, null, zHop}, zHopSpeed);
        toolhead.kinematics().clearHomingState("z");
      } else if (pos[2] < zHop) {
        toolhead.manualMove(new Double[] {null, null, zHop}, zHopSpeed);
      }
    }
    boolean needX = c.has("X");
    boolean needY = c.has("Y");
    boolean needZ = c.has("Z");
    if (!needX && !needY && !needZ) {
      needX = needY = needZ = true;
    }
    if (needX && needY) {
      home("X", "Y");
    } else if (needX) {
      home("X");
    } else if (needY) {
      home("Y");
    }
    if (!needZ) {
      return;
    }
    String homed = homedAxes(toolhead);
    if (!homed.contains("x") || !homed.contains("y")) {
      throw c.error("Must home X and Y axes first");
    }
    double[] previous = toolhead.position();
    toolhead.manualMove(new Double[] {homeX, homeY}, speed);
    home("Z");
    if (zHop != 0 && toolhead.position()[2] < zHop) {
      toolhead.manualMove(new Double[] {null, null, zHop}, zHopSpeed); // lift off the probe
    }
    if (moveToPrevious) {
      toolhead.manualMove(new Double[] {previous[0], previous[1]}, speed);
    }
  }
}
