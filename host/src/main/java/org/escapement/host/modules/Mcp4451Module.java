package org.escapement.host.modules;

import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.mcu.McuI2c;
import org.escapement.host.printer.Printer;

/**
 * {@code [mcp4451 NAME]}: the quad I2C digipot that sets the stepper currents on Smoothieboard
 * and Azteeg X5 mini boards. At connect both terminal-control registers (0x04, 0x0a) connect
 * every wiper, then each {@code wiper_0..3} given (0..scale) is written, 255 steps over the
 * scale. A write is two bytes: register (4 bits), two command bits (write, 00) and the
 * value's bits 9-8, then its low byte.
 */
public final class Mcp4451Module {
  private static final int[] WIPER_REGISTERS = {0x00, 0x01, 0x06, 0x07};
  private final McuI2c i2c;

  public Mcp4451Module(Printer printer, ConfigSection section) {
    i2c = I2cSetup.fromConfig(printer, section, null);
    if (i2c.address() < 44 || i2c.address() > 47) {
      throw new ConfigError("mcp4451 address must be between 44 and 47");
    }
    double scale = section.getFloat("scale", 1.0, Bounds.above(0));
    setRegister(0x04, 0xff);
    setRegister(0x0a, 0xff);
    for (int i = 0; i < 4; i++) {
      Double val = section.getFloatOrNull("wiper_" + i, Bounds.range(0, scale));
      if (val != null) {
        setRegister(WIPER_REGISTERS[i], (int) (val * 255.0 / scale + 0.5));
      }
    }
  }

  private void setRegister(int reg, int value) {
    i2c.write(new byte[] {(byte) ((reg << 4) | ((value >> 8) & 0x03)), (byte) value});
  }
}
