package org.escapement.host.modules;

import java.util.List;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Pins;
import org.escapement.host.mcu.McuDigitalOut;
import org.escapement.host.mcu.McuPin;
import org.escapement.host.printer.Printer;

/**
 * {@code [static_digital_output NAME]}: pins set once when the MCU is configured (driver
 * microstepping jumpers wired to MCU pins, board enables); {@code !} sets a pin low.
 */
public final class StaticDigitalOutputModule {
  public StaticDigitalOutputModule(Printer printer, ConfigSection section) {
    List<String> pins = section.getList("pins", null, ",");
    Pins registry = printer.lookupObject("pins", Pins.class);
    for (String desc : pins) {
      Pins.Pin p;
      try {
        p = registry.claim(desc, true, false, null);
      } catch (ConfigError e) {
        throw new ConfigError("Option 'pins' in section '" + section.name() + "': "
            + e.getMessage(), e);
      }
      McuModule chip = printer.lookupObject(p.chip().equals("mcu") ? "mcu" : "mcu " + p.chip(),
          McuModule.class);
      McuPin pin = new McuPin(chip.mcu(), p.pin(), p.invert(), 0,
          "Option 'pins' in section '" + section.name() + "'",
          registry.resolver(p.chip())::resolve);
      new McuDigitalOut(pin).setupStatic(true);
    }
  }
}
