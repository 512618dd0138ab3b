package org.escapement.host.modules;

import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.mcu.McuSpi;
import org.escapement.host.printer.Printer;
import org.escapement.host.tmc.TmcSpi;

/**
 * {@code [ad5206 NAME]}: the SPI digipot that sets the stepper currents on RAMBo-style boards.
 * Each {@code channel_1..6} given (0..scale) is written once, with the MCU's initial states:
 * a register byte (channel - 1) and a wiper byte, 256 steps over the scale.
 */
public final class Ad5206Module {
  public Ad5206Module(Printer printer, ConfigSection section) {
    McuSpi spi = TmcSpi.spiFromConfig(printer, section, 0, 25_000_000, null, "enable_pin");
    double scale = section.getFloat("scale", 1.0, Bounds.above(0));
    for (int i = 0; i < 6; i++) {
      Double val = section.getFloatOrNull("channel_" + (i + 1), Bounds.range(0, scale));
      if (val != null) {
        spi.send(new byte[] {(byte) i, (byte) (int) (val * 256.0 / scale + 0.5)}, 0);
      }
    }
  }
}
