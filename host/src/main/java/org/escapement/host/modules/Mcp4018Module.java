package org.escapement.host.modules;

import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.mcu.McuI2c;
import org.escapement.host.printer.Printer;

/**
 * {@code [mcp4018 NAME]}: a single 7-bit I2C digipot per stepper (Mightyboard, FlashForge
 * Creator Pro), usually on a bit-banged bus; address 0x2f unless given. The {@code wiper}
 * (0..scale) is written at connect, 127 steps over the scale, and
 * {@code SET_DIGIPOT DIGIPOT=NAME WIPER=v} changes it.
 */
public final class Mcp4018Module {
  private final McuI2c i2c;
  private final double scale;
  private final String name;

  public Mcp4018Module(Printer printer, ConfigSection section) {
    i2c = I2cSetup.fromConfig(printer, section, 0x2f);
    scale = section.getFloat("scale", 1.0, Bounds.above(0));
    double startValue = section.getFloat("wiper", null, Bounds.range(0, scale));
    name = section.name().split("\\s+")[1];
    // Queued now, written when the MCU is configured (at connect), as Klipper does.
    setDac(startValue);
    printer.lookupObject("gcode", GCodeDispatch.class).registerMux("SET_DIGIPOT", "DIGIPOT",
        name, this::cmdSetDigipot, "Set digipot value");
  }

  private void setDac(double value) {
    i2c.write(new byte[] {(byte) (int) (value * 127.0 / scale + 0.5)});
  }

  private void cmdSetDigipot(GCodeCommand c) {
    Double wiper = c.getFloatOrNull("WIPER", Bounds.range(0, scale));
    if (wiper != null) {
      setDac(wiper);
      c.respondInfo(String.format(java.util.Locale.ROOT,
          "New value for DIGIPOT = %s, wiper = %.2f", name, wiper));
    }
  }
}
