package org.escapement.host.display;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.template.PyLiteral;
import org.escapement.host.gcode.template.TemplateEngine;
import org.escapement.host.modules.MacroSupport;
import org.escapement.host.printer.Printer;

/**
 * Every {@code [display_template NAME]}, {@code [display_data GROUP ITEM]} and
 * {@code [display_glyph NAME]}: printer.cfg's, and for each name printer.cfg does not define,
 * the built-in one (the default status screens, in {@code default-screens.cfg} and
 * {@code default-glyphs.cfg} beside this class). Read once, shared by all displays; registered
 * as {@code display_template}.
 */
public final class DisplayTemplates {
  /** A {@code [display_template]}: a template with default {@code param_*} values. */
  record Template(String name, Map<String, Object> params, TemplateEngine.Template text) {}

  /** One item of a display group, drawn at (row, col). */
  record Item(int row, int col, TemplateEngine.Template text) {}

  /**
   * A glyph: a 16x16 icon (16 rows of two bytes, left byte first) and/or a 5x8 character
   * for CGRAM slot {@code hd44780Slot}.
   */
  record Glyph(byte[][] icon16, int hd44780Slot, byte[] icon5x8) {}

  private final Map<String, Template> templates = new LinkedHashMap<>();
  private final Map<String, List<Item>> groups = new LinkedHashMap<>();
  private final Map<String, Glyph> glyphs = new LinkedHashMap<>();

  private DisplayTemplates(Printer printer, Config config) {
    MacroSupport macros = MacroSupport.of(printer);
    DisplayFunctions.register(macros.engine());
    Config screens = builtIn("default-screens.cfg");
    Config glyphCfg = builtIn("default-glyphs.cfg");
    for (ConfigSection s : withDefaults(config, screens, "display_template ")) {
      String[] parts = s.name().split("\\s+");
      if (parts.length != 2) {
        throw new ConfigError("Section name '" + s.name() + "' is not valid");
      }
      Map<String, Object> params = new LinkedHashMap<>();
      for (String option : s.optionsWithPrefix("param_")) {
        try {
          params.put(option, PyLiteral.parse(s.get(option)));
        } catch (RuntimeException e) {
          throw new ConfigError("Option '" + option + "' in section '" + s.name()
              + "' is not a valid literal");
        }
      }
      templates.put(parts[1], new Template(parts[1], params, macros.load(s, "text", null)));
    }
    Map<String, List<ConfigSection>> byGroup = new LinkedHashMap<>();
    for (ConfigSection s : withDefaults(config, screens, "display_data ")) {
      String[] parts = s.name().split("\\s+");
      if (parts.length != 3) {
        throw new ConfigError("Section name '" + s.name() + "' is not valid");
      }
      byGroup.computeIfAbsent(parts[1], g -> new ArrayList<>()).add(s);
    }
    byGroup.forEach((group, sections) -> groups.put(group, items(macros, sections)));
    for (ConfigSection s : withDefaults(config, glyphCfg, "display_glyph ")) {
      String name = s.name().substring("display_glyph ".length()).strip();
      byte[][] icon16 = null;
      String data = s.get("data", null);
      if (data != null) {
        int[] rows = parseGlyph(name, data, 16, 16);
        icon16 = new byte[2][16];
        for (int i = 0; i < 16; i++) {
          icon16[0][i] = (byte) (rows[i] >> 8);
          icon16[1][i] = (byte) rows[i];
        }
      }
      int slot = -1;
      byte[] icon5x8 = null;
      String hd = s.get("hd44780_data", null);
      if (hd != null) {
        slot = s.getInt("hd44780_slot", null, org.escapement.host.config.Bounds.range(0, 7));
        int[] rows = parseGlyph(name, hd, 5, 8);
        icon5x8 = new byte[8];
        for (int i = 0; i < 8; i++) {
          icon5x8[i] = (byte) rows[i];
        }
      }
      glyphs.put(name, new Glyph(icon16, slot, icon5x8));
    }
  }

  /** The shared instance, read from the config on first use. */
  public static DisplayTemplates of(Printer printer, Config config) {
    DisplayTemplates t = printer.lookupObjectOrNull("display_template", DisplayTemplates.class);
    if (t == null) {
      t = new DisplayTemplates(printer, config);
      printer.addObject("display_template", t);
    }
    return t;
  }

  Map<String, Template> templates() {
    return templates;
  }

  /** Group name to its items in drawing order (by position). */
  Map<String, List<Item>> groups() {
    return groups;
  }

  Map<String, Glyph> glyphs() {
    return glyphs;
  }

  private static List<Item> items(MacroSupport macros, List<ConfigSection> sections) {
    record Placed(int row, int col, String name, ConfigSection section) {}
    List<Placed> placed = new ArrayList<>();
    for (ConfigSection s : sections) {
      String pos = s.get("position");
      String[] rc = pos.split(",");
      try {
        if (rc.length != 2) {
          throw new NumberFormatException(pos);
        }
        placed.add(new Placed(Integer.parseInt(rc[0].strip()), Integer.parseInt(rc[1].strip()),
            s.name(), s));
      } catch (NumberFormatException e) {
        throw new ConfigError("Unable to parse 'position' in section '" + s.name() + "'");
      }
    }
    placed.sort(Comparator.comparingInt(Placed::row).thenComparingInt(Placed::col)
        .thenComparing(Placed::name));
    List<Item> out = new ArrayList<>();
    for (Placed p : placed) {
      if (!p.section().get("text").isEmpty()) {
        out.add(new Item(p.row(), p.col(), macros.load(p.section(), "text", null)));
      }
    }
    return out;
  }

  /** printer.cfg's sections with the prefix, then the built-in ones it does not replace. */
  private static List<ConfigSection> withDefaults(Config config, Config builtIn, String prefix) {
    List<ConfigSection> out = new ArrayList<>(config.sectionsWithPrefix(prefix));
    Set<String> own = new HashSet<>();
    out.forEach(s -> own.add(s.name()));
    for (ConfigSection s : builtIn.sectionsWithPrefix(prefix)) {
      if (!own.contains(s.name())) {
        out.add(s);
      }
    }
    return out;
  }

  private static int[] parseGlyph(String name, String data, int width, int height) {
    List<Integer> rows = new ArrayList<>();
    for (String line : data.split("\n")) {
      String l = line.strip().replace('.', '0').replace('*', '1');
      if (l.isEmpty()) {
        continue;
      }
      if (l.length() != width || !l.replace("0", "").replace("1", "").isEmpty()) {
        throw new ConfigError("Invalid glyph line in " + name);
      }
      rows.add(Integer.parseInt(l, 2));
    }
    if (rows.size() != height) {
      throw new ConfigError("Glyph " + name + " incorrect lines");
    }
    return rows.stream().mapToInt(Integer::intValue).toArray();
  }

  private static Config builtIn(String resource) {
    try (InputStream in = DisplayTemplates.class.getResourceAsStream(resource)) {
      return Config.fromText(new String(in.readAllBytes(), StandardCharsets.UTF_8),
          Path.of("<builtin>/" + resource));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
