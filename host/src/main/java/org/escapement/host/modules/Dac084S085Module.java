package org.escapement.host.modules;

import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.mcu.McuSpi;
import org.escapement.host.printer.Printer;
import org.escapement.host.tmc.TmcSpi;

/**
 * {@code [dac084S085 NAME]}: the 4-channel 8-bit SPI DAC that sets the stepper currents on
 * Alligator boards. Each {@code channel_A..D} given (0..scale) is written once, with the MCU's
 * initial states, as a 16-bit word: channel (2 bits), "write and update" (01), 8 data bits, 4
 * zero bits.
 */
public final class Dac084S085Module {
  public Dac084S085Module(Printer printer, ConfigSection section) {
    McuSpi spi = TmcSpi.spiFromConfig(printer, section, 1, 10_000_000, null, "enable_pin");
    double scale = section.getFloat("scale", 1.0, Bounds.above(0));
    String names = "ABCD";
    for (int chan = 0; chan < 4; chan++) {
      Double val = section.getFloatOrNull("channel_" + names.charAt(chan),
          Bounds.range(0, scale));
      if (val != null) {
        int value = (int) (val * 255.0 / scale); // truncated, as the chip's driver does
        spi.send(new byte[] {(byte) ((chan << 6) | (1 << 4) | ((value >> 4) & 0x0f)),
            (byte) ((value << 4) & 0xf0)}, 0);
      }
    }
  }
}
