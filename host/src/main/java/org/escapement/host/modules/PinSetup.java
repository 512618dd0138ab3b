package org.escapement.host.modules;

import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Origin;
import org.escapement.host.config.Pins;
import org.escapement.host.mcu.McuAdc;
import org.escapement.host.mcu.McuDigitalOut;
import org.escapement.host.mcu.McuPin;
import org.escapement.host.mcu.McuPwm;
import org.escapement.host.printer.Printer;

/**
 * Turns a pin option into an MCU object: claims the pin (so a pin used twice is an error that
 * names both), finds its MCU and creates the output or input there.
 */
public final class PinSetup {
  private PinSetup() {}

  public static McuDigitalOut digitalOut(Printer printer, ConfigSection section, String option) {
    return new McuDigitalOut(pin(printer, section, option, "digital_out"));
  }

  public static McuPwm pwm(Printer printer, ConfigSection section, String option) {
    return new McuPwm(pin(printer, section, option, "pwm"));
  }

  public static McuAdc adc(Printer printer, ConfigSection section, String option) {
    return new McuAdc(pin(printer, section, option, "adc"));
  }

  /**
   * Claims {@code option}'s pin for a use ({@code endstop}, {@code digital_out}, {@code pwm},
   * {@code adc}, {@code stepper}) and returns it with its MCU.
   */
  public static McuPin pin(Printer printer, ConfigSection section, String option, String type) {
    Pins pins = printer.lookupObject("pins", Pins.class);
    Pins.Pin p = pins.claim(section, option, type);
    Origin at = section.origin(option);
    String where = "Option '" + option + "' in section '" + section.name() + "'"
        + (at == null ? "" : " (" + at + ")");
    McuModule chip = printer.lookupObject(p.chip().equals("mcu") ? "mcu" : "mcu " + p.chip(),
        McuModule.class);
    Pins.Resolver resolver = pins.resolver(p.chip());
    return new McuPin(chip.mcu(), p.pin(), p.invert(), p.pullup(), where, resolver::resolve);
  }
}
