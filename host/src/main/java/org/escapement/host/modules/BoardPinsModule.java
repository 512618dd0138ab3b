package org.escapement.host.modules;

import java.util.ArrayList;
import java.util.List;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Pins;
import org.escapement.host.printer.Printer;

/**
 * {@code [board_pins]} and {@code [board_pins NAME]}: names for pins (a board's connector
 * labels such as {@code EXP1_1}) on the MCUs listed in {@code mcu}. Every option {@code
 * aliases} or {@code aliases_*} holds {@code NAME=PIN} pairs separated by commas (over as
 * many lines as needed); a value in angle brackets ({@code EXP1_10=<GND>}) names a pin that
 * carries no signal, and using it is an error. Aliases apply wherever a pin is named,
 * whatever the order of the sections, as the config commands are rewritten when sent.
 */
public final class BoardPinsModule {
  public BoardPinsModule(Printer printer, ConfigSection section) {
    Pins pins = printer.lookupObject("pins", Pins.class);
    List<Pins.Resolver> resolvers = new ArrayList<>();
    for (String mcu : section.getList("mcu", List.of("mcu"), ",")) {
      resolvers.add(pins.resolver(mcu));
    }
    List<String> options = new ArrayList<>(List.of("aliases"));
    options.addAll(section.optionsWithPrefix("aliases_"));
    for (String option : options) {
      for (String pair : section.getList(option, List.of(), ",")) {
        if (pair.isEmpty()) {
          continue; // a trailing comma
        }
        String[] nameAndPin = pair.split("=", -1);
        if (nameAndPin.length != 2) {
          throw new ConfigError("Option '" + option + "' in section '" + section.name()
              + "' must have 2 elements");
        }
        String name = nameAndPin[0].strip();
        String pin = nameAndPin[1].strip();
        for (Pins.Resolver r : resolvers) {
          if (pin.startsWith("<") && pin.endsWith(">")) {
            r.reserve(name, pin);
          } else {
            r.alias(name, pin);
          }
        }
      }
    }
  }
}
