package org.escapement.host.tmc;

import org.escapement.host.mcu.Mcu;

/** How the host reads and writes a driver's registers: UART (TMC2208/2209) or SPI. */
public interface TmcTransport {
  TmcFields fields();

  /**
   * Reads a register; in batch mode (no MCU to answer) it reads 0, as Klipper's batch mode.
   *
   * @throws org.escapement.host.printer.CommandError when the driver does not answer
   */
  long getRegister(String reg);

  /**
   * Writes a register, not before {@code printTime} (null: now) and checks it arrived.
   *
   * @throws org.escapement.host.printer.CommandError when the write cannot be confirmed
   */
  void setRegister(String reg, long value, Double printTime);

  /** The driver's clock in Hz (TSTEP based thresholds), or null when it has none (TMC2660). */
  Double tmcFrequency();

  Mcu mcu();
}
