package org.escapement.host.display;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Pins;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.GCodeError;
import org.escapement.host.gcode.template.TemplateEngine;
import org.escapement.host.gcode.template.TemplateError;
import org.escapement.host.modules.MacroSupport;
import org.escapement.host.printer.Printer;
import org.escapement.host.reactor.Reactor;

/**
 * {@code [display]} and {@code [display NAME]}: an LCD on MCU pins showing a display group
 * (the status screen by default), redrawn every {@value #REDRAW_TIME} s. Each redraw renders
 * the group's templates into the chip's framebuffers and sends only the bytes that changed.
 * The menu (and so the buttons of the display) is not implemented yet: its options are read
 * so configs load, and the buttons do nothing.
 */
public final class DisplayModule {
  /** Seconds between redraws. */
  static final double REDRAW_TIME = 0.500;
  /**
   * Display traffic has no deadline: the latest possible required clock puts it behind
   * anything timed on the same MCU.
   */
  static final long BACKGROUND_PRIORITY_CLOCK = 0x7fffffff00000000L;

  private static final System.Logger LOG = System.getLogger("display");
  private static final List<String> UNSUPPORTED_TYPES =
      List.of("emulated_st7920", "hd44780_spi", "aip31068_spi");
  private static final List<String> BUTTONS =
      List.of("click_pin", "back_pin", "up_pin", "down_pin", "kill_pin");

  private final Printer printer;
  private final LcdChip chip;
  private final DisplayTemplates templates;
  private final TemplateEngine.Actions actions;
  private List<DisplayTemplates.Item> group;

  public DisplayModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    String name = section.name();
    boolean primary = name.equals("display");
    if (!primary) {
      if (!section.config().hasSection("display")) {
        throw new ConfigError("A primary [display] section must be defined in printer.cfg"
            + " to use auxiliary displays");
      }
      if (section.suffix().equals("display")) {
        throw new ConfigError("Section name [display display] is not valid. Please choose a"
            + " different postfix.");
      }
    }
    String type = section.get("lcd_type");
    if (UNSUPPORTED_TYPES.contains(type)) {
      throw new ConfigError("Option 'lcd_type' in section '" + name + "': lcd_type '" + type
          + "' is not supported yet");
    }
    chip = section.getChoice("lcd_type", Map.<String, java.util.function.Supplier<LcdChip>>of(
        "hd44780", () -> new Hd44780(printer, section),
        "st7920", () -> new St7920(printer, section),
        "uc1701", () -> new PageDisplay(printer, section, PageDisplay.Kind.UC1701),
        "ssd1306", () -> new PageDisplay(printer, section, PageDisplay.Kind.SSD1306),
        "sh1106", () -> new PageDisplay(printer, section, PageDisplay.Kind.SH1106)), null).get();
    if (primary) {
      readMenuOptions(section);
    }
    templates = DisplayTemplates.of(printer, section.config());
    chip.setGlyphs(templates.glyphs());
    String groupName = section.get("display_group",
        chip.columns() == 20 ? "_default_20x4" : "_default_16x4");
    group = templates.groups().get(groupName);
    if (group == null) {
      throw new ConfigError("Unknown display_data group '" + groupName + "'");
    }
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    actions = new TemplateEngine.Actions() {
      @Override
      public void respondInfo(String message) {
        gcode.respondInfo(message);
      }

      @Override
      public void raiseError(String message) {
        throw new GCodeError(message);
      }

      @Override
      public void emergencyStop(String message) {
        printer.invokeShutdown("Shutdown due to " + message);
      }

      @Override
      public void callRemoteMethod(String method, Map<String, Object> arguments) {}
    };
    String help = "Set the active display group";
    gcode.registerMux("SET_DISPLAY_GROUP", "DISPLAY", name, this::cmdSetDisplayGroup, help);
    if (primary) {
      gcode.registerMux("SET_DISPLAY_GROUP", "DISPLAY", null, this::cmdSetDisplayGroup, help);
    }
    printer.onEvent(Printer.Event.READY, () -> {
      chip.init();
      printer.reactor().registerTimer(this::screenUpdate, Reactor.NOW);
    });
  }

  /**
   * The menu's options and its buttons. Without a menu the buttons would do nothing: their
   * pins are claimed (so a pin used twice is still reported) but not polled.
   */
  private void readMenuOptions(ConfigSection section) {
    section.get("menu_root", "__main");
    section.getInt("menu_timeout", 0);
    section.getBoolean("menu_reverse_navigation", false);
    Pins pins = printer.lookupObject("pins", Pins.class);
    String encoder = section.get("encoder_pins", null);
    section.getChoice("encoder_steps_per_detent", Map.of("2", 2, "4", 4), "4");
    if (encoder != null) {
      String[] two = encoder.split(",");
      if (two.length != 2) {
        throw new ConfigError("Unable to parse encoder_pins");
      }
      for (String pin : two) {
        claim(pins, section, "encoder_pins", pin.strip());
      }
    }
    section.getFloat("encoder_fast_rate", 0.030, Bounds.above(0));
    // Buttons on a resistor ladder share one analog pin, told apart by their ranges.
    java.util.Set<String> analogPins = new java.util.HashSet<>();
    for (String option : BUTTONS) {
      String pin = section.get(option, null);
      if (pin == null) {
        continue;
      }
      if (section.get("analog_range_" + option, null) != null) {
        section.getFloatList("analog_range_" + option, null, ",", 2);
        section.getFloat("analog_pullup_resistor", 4700.0, Bounds.above(0));
        if (!analogPins.add(pin.strip())) {
          continue;
        }
      }
      claim(pins, section, option, pin);
    }
  }

  private static void claim(Pins pins, ConfigSection section, String option, String pin) {
    try {
      pins.claim(pin, true, true, null);
    } catch (ConfigError e) {
      throw new ConfigError("Option '" + option + "' in section '" + section.name() + "': "
          + e.getMessage(), e);
    }
  }

  private double screenUpdate(double eventtime) {
    chip.clear();
    try {
      show();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "Error during display screen update", e);
    }
    chip.flush();
    return eventtime + REDRAW_TIME;
  }

  /** Renders the active group's items, in position order, into the chip's framebuffers. */
  void show() {
    Map<String, Object> context = MacroSupport.of(printer).context();
    DisplayFunctions.begin(new DisplayFunctions.Drawing(chip, templates.templates(), context,
        actions));
    try {
      for (DisplayTemplates.Item item : group) {
        String text;
        try {
          text = item.text().render(context, actions);
        } catch (TemplateError e) {
          throw new GCodeError(e.getMessage());
        }
        drawText(item.row(), item.col(), text.replace("\n", ""));
      }
    } finally {
      DisplayFunctions.end();
    }
  }

  /** Text with {@code ~glyph~} names in it; returns the column after it. */
  int drawText(int row, int col, String mixed) {
    int pos = col;
    String[] parts = mixed.split("~", -1);
    for (int i = 0; i < parts.length; i++) {
      if ((i & 1) == 0) {
        chip.writeText(pos, row, parts[i].getBytes(StandardCharsets.UTF_8));
        pos += parts[i].codePointCount(0, parts[i].length());
      } else {
        pos += chip.writeGlyph(pos, row, parts[i]);
      }
    }
    return pos;
  }

  private void cmdSetDisplayGroup(GCodeCommand c) {
    String name = c.get("GROUP");
    List<DisplayTemplates.Item> g = templates.groups().get(name);
    if (g == null) {
      throw c.error("Unknown display_data group '" + name + "'");
    }
    group = g;
  }
}
