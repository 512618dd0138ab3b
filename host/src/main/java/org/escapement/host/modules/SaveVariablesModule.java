package org.escapement.host.modules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigFile;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.template.PyLiteral;
import org.escapement.host.gcode.template.PyRepr;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [save_variables]}: values macros keep across restarts (SAVE_VARIABLE VARIABLE=x
 * VALUE=literal), in a file of {@code [Variables]} with Python literals, as Klipper writes it.
 * The file is replaced atomically, so a crash mid-write loses nothing.
 */
public final class SaveVariablesModule implements StatusProvider {
  private final Path file;
  private Map<String, Object> variables = new TreeMap<>();

  public SaveVariablesModule(Printer printer, ConfigSection section) {
    file = printer.startOptions().resolvePath(section.get("filename"));
    load();
    printer.lookupObject("gcode", GCodeDispatch.class).register("SAVE_VARIABLE", this::save,
        false, "Save arbitrary variables to disk");
  }

  private void load() {
    if (!Files.exists(file)) {
      return;
    }
    ConfigFile cfg;
    try {
      cfg = ConfigFile.read(file);
    } catch (ConfigError e) {
      throw new ConfigError("Unable to parse existing variable file " + file + ": "
          + e.getMessage());
    }
    Map<String, Object> out = new TreeMap<>();
    ConfigFile.Section s = cfg.section("Variables");
    if (s != null) {
      for (ConfigFile.Entry e : s.options().values()) {
        try {
          out.put(e.name(), PyLiteral.parse(e.value()));
        } catch (IllegalArgumentException ex) {
          throw new ConfigError("Unable to parse existing variable file " + file + " ("
              + e.origin() + "): " + ex.getMessage());
        }
      }
    }
    variables = out;
  }

  private void save(GCodeCommand cmd) {
    String name = cmd.get("VARIABLE");
    String value = cmd.get("VALUE");
    if (!name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
      throw cmd.error("VARIABLE must not contain upper case");
    }
    Object literal;
    try {
      literal = PyLiteral.parse(value);
    } catch (IllegalArgumentException e) {
      throw cmd.error("Unable to parse '" + value + "' as a literal");
    }
    Map<String, Object> next = new TreeMap<>(variables);
    next.put(name, literal);
    StringBuilder sb = new StringBuilder("[Variables]\n");
    next.forEach((k, v) -> sb.append(k).append(" = ").append(PyRepr.repr(v)).append('\n'));
    try {
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temp, sb.toString(), StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw cmd.error("Unable to save variable: " + e.getMessage());
    }
    variables = next;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return Map.of("variables", Collections.unmodifiableMap(variables));
  }
}
