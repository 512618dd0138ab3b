package org.escapement.host.modules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.template.TemplateEngine;
import org.escapement.host.motion.Homing;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.Printer;

/**
 * {@code [homing_override]}: G28 runs the section's G-code instead, for the axes listed in
 * {@code axes} (or when G28 names no axis). Inside that G-code, G28 is the ordinary homing.
 * {@code set_position_x/y/z} first declare those axes' positions (and homed), so the script
 * may move them before homing (to lift Z clear of the bed, say).
 */
public final class HomingOverrideModule {
  private final Printer printer;
  private final Double[] startPos = new Double[3];
  private final String axes;
  private final TemplateEngine.Template template;
  private final GCodeDispatch.Handler previousG28;
  private boolean inScript;

  public HomingOverrideModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    for (int i = 0; i < 3; i++) {
      startPos[i] = section.getFloatOrNull("set_position_" + "xyz".charAt(i), Bounds.NONE);
    }
    axes = section.get("axes", "XYZ").toUpperCase(Locale.ROOT);
    template = MacroSupport.of(printer).load(section, "gcode", null);
    Homing.registerCommands(printer);
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    previousG28 = gcode.unregister("G28");
    gcode.register("G28", this::cmdG28, false, null);
  }

  private void cmdG28(GCodeCommand c) {
    if (inScript) {
      previousG28.run(c); // G28 inside the override: the real homing
      return;
    }
    boolean anyAxis = false;
    boolean override = false;
    for (String axis : List.of("X", "Y", "Z")) {
      if (c.has(axis)) {
        anyAxis = true;
        override |= axes.contains(axis);
      }
    }
    if (anyAxis && !override) {
      previousG28.run(c);
      return;
    }
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    double[] pos = toolhead.position();
    StringBuilder homingAxes = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      if (startPos[i] != null) {
        pos[i] = startPos[i];
        homingAxes.append("xyz".charAt(i));
      }
    }
    toolhead.setPosition(pos, homingAxes.toString());
    MacroSupport macros = MacroSupport.of(printer);
    Map<String, Object> context = macros.context();
    context.put("params", new LinkedHashMap<>(c.params()));
    context.put("rawparams", c.rawParameters());
    inScript = true;
    try {
      macros.run(template, context);
    } finally {
      inScript = false;
    }
  }
}
