package org.escapement.host.modules;

import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Pins;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.McuI2c;
import org.escapement.host.printer.Printer;

/**
 * An I2C device from its section: {@code i2c_mcu}, {@code i2c_address}, {@code i2c_speed},
 * and either {@code i2c_bus} or the {@code i2c_software_scl_pin} / {@code _sda_pin} pair
 * (several devices may share one software clock line).
 */
public final class I2cSetup {
  private I2cSetup() {}

  /** @param defaultAddress the chip's fixed address, or null when the option is required */
  public static McuI2c fromConfig(Printer printer, ConfigSection section,
      Integer defaultAddress) {
    String mcuName = section.get("i2c_mcu", "mcu");
    Mcu mcu = printer.lookupObject(mcuName.equals("mcu") ? "mcu" : "mcu " + mcuName,
        McuModule.class).mcu();
    int speed = section.getInt("i2c_speed", 100000, Bounds.min(100000));
    int address = section.getInt("i2c_address", defaultAddress, Bounds.range(0, 127));
    Pins pins = printer.lookupObject("pins", Pins.class);
    if (section.get("i2c_software_scl_pin", null) != null) {
      String[] swPins = new String[2];
      String[] names = {"scl", "sda"};
      for (int i = 0; i < 2; i++) {
        String option = "i2c_software_" + names[i] + "_pin";
        Pins.Pin p;
        try {
          p = pins.claim(section.get(option), false, false, option);
        } catch (ConfigError e) {
          throw new ConfigError("Option '" + option + "' in section '" + section.name() + "': "
              + e.getMessage(), e);
        }
        if (!p.chip().equals(mcuName)) {
          throw new ConfigError(section.name() + ": i2c pins must be on same mcu");
        }
        swPins[i] = p.pin();
      }
      McuI2c i2c = new McuI2c(mcu, null, address, speed, swPins);
      printer.onEvent(Printer.Event.CONNECT, i2c::flush);
      return i2c;
    }
    McuI2c i2c = new McuI2c(mcu, section.get("i2c_bus", null), address, speed, null);
    // The hardware bus's pins are the firmware's (BUS_PINS_<bus>): nothing else may use them.
    mcu.registerConfigCallback(() -> {
      String busPins = mcu.dictionary().constants().get("BUS_PINS_" + i2c.resolvedBus());
      if (busPins != null) {
        Pins.Resolver resolver = pins.resolver(mcuName);
        for (String pin : busPins.split(",")) {
          resolver.reserve(pin.strip(), i2c.resolvedBus());
        }
      }
    });
    printer.onEvent(Printer.Event.CONNECT, i2c::flush);
    return i2c;
  }
}
