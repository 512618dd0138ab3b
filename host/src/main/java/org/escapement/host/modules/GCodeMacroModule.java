package org.escapement.host.modules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.template.PyLiteral;
import org.escapement.host.gcode.template.TemplateEngine;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [gcode_macro NAME]}: a command whose G-code comes from a template. Its {@code
 * variable_*} options are Python literals, readable as {@code printer["gcode_macro NAME"].x}
 * and changed with SET_GCODE_VARIABLE; {@code rename_existing} wraps a built-in command.
 */
public final class GCodeMacroModule implements StatusProvider {
  private final Printer printer;
  private final MacroSupport macros;
  private final GCodeDispatch gcode;
  private final String alias;
  private final TemplateEngine.Template template;
  private final String renameExisting;
  private final String description;
  private Map<String, Object> variables = new LinkedHashMap<>();
  private boolean running;

  public GCodeMacroModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    String[] parts = section.name().strip().split("\\s+");
    if (parts.length > 2) {
      throw new ConfigError("Name of section '" + section.name()
          + "' contains illegal whitespace");
    }
    if (parts.length < 2) {
      throw new ConfigError("Section '" + section.name() + "' needs a macro name");
    }
    String name = parts[1];
    alias = name.toUpperCase(java.util.Locale.ROOT);
    macros = MacroSupport.of(printer);
    gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    template = macros.load(section, "gcode", null);
    renameExisting = section.get("rename_existing", null);
    description = section.get("description", "G-Code macro");
    for (String option : section.optionsWithPrefix("variable_")) {
      String text = section.get(option);
      try {
        variables.put(option.substring("variable_".length()), PyLiteral.parse(text));
      } catch (IllegalArgumentException e) {
        throw new ConfigError("Option '" + option + "' in section '" + section.name()
            + "' is not a valid literal: " + e.getMessage());
      }
    }
    if (renameExisting != null) {
      if (isTraditional(alias) != isTraditional(renameExisting)) {
        throw new ConfigError("G-Code macro rename of different types ('" + alias + "' vs '"
            + renameExisting + "')");
      }
      printer.onEvent(Printer.Event.CONNECT, this::renameBuiltin);
    } else {
      gcode.register(alias, this::run, false, description);
    }
    gcode.registerMux("SET_GCODE_VARIABLE", "MACRO", name, this::setVariable,
        "Set the value of a G-Code macro variable");
  }

  private static boolean isTraditional(String cmd) {
    return cmd.length() > 1 && Character.isUpperCase(cmd.charAt(0))
        && Character.isDigit(cmd.charAt(1));
  }

  private void renameBuiltin() {
    GCodeDispatch.Handler previous = gcode.unregister(alias);
    if (previous == null) {
      throw new ConfigError("Existing command '" + alias + "' not found in gcode_macro rename");
    }
    gcode.register(renameExisting, previous, false, "Renamed builtin of '" + alias + "'");
    gcode.register(alias, this::run, false, description);
  }

  private void setVariable(GCodeCommand cmd) {
    String variable = cmd.get("VARIABLE");
    String value = cmd.get("VALUE");
    if (!variables.containsKey(variable)) {
      throw cmd.error("Unknown gcode_macro variable '" + variable + "'");
    }
    Object literal;
    try {
      literal = PyLiteral.parse(value);
    } catch (IllegalArgumentException e) {
      throw cmd.error("Unable to parse '" + value + "' as a literal: " + e.getMessage()
          + " in '" + cmd.commandLine() + "'");
    }
    Map<String, Object> v = new LinkedHashMap<>(variables);
    v.put(variable, literal);
    variables = v; // a new map, so a status read earlier stays as it was
  }

  private void run(GCodeCommand cmd) {
    if (running) {
      throw cmd.error("Macro " + alias + " called recursively");
    }
    Map<String, Object> ctx = new LinkedHashMap<>(variables);
    ctx.putAll(macros.context());
    ctx.put("params", new LinkedHashMap<>(cmd.params()));
    ctx.put("rawparams", cmd.rawParameters());
    running = true;
    try {
      macros.run(template, ctx);
    } finally {
      running = false;
    }
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return variables;
  }
}
