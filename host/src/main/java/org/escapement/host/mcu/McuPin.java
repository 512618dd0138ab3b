package org.escapement.host.mcu;

import java.util.function.UnaryOperator;
import org.escapement.host.config.ConfigError;
import org.escapement.protocol.Enumeration;

/**
 * A pin of one MCU as a config option named it.
 *
 * @param name the pin as written (an alias is resolved when the config is sent)
 * @param pullup 1 for {@code ^}, -1 for {@code ~}, 0 for none
 * @param where the option it came from, for errors ({@code Option 'heater_pin' in section
 *     'extruder' (printer.cfg:12)})
 * @param aliases the chip's alias table ({@code [board_pins]}), complete by config time
 */
public record McuPin(Mcu mcu, String name, boolean invert, int pullup, String where,
    UnaryOperator<String> aliases) {
  /**
   * Checks the MCU has this pin (after identify, when its dictionary is known), so a typo
   * names the option rather than failing deep in the config phase.
   */
  public void checkExists() {
    String resolved = aliases.apply(name);
    Enumeration pins = mcu.dictionary() == null ? null
        : mcu.dictionary().enumeration("pin").orElse(null);
    if (pins != null && pins.valueOf(resolved) == null) {
      throw new ConfigError(where + ": Pin '" + resolved + "' is not a valid pin name on mcu '"
          + mcu.name() + "'");
    }
  }
}
