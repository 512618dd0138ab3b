package org.escapement.host.tmc;

import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/** {@code [tmc2130 stepper_x]}: a TMC2130 on SPI, alone or daisy-chained. */
public final class Tmc2130Module implements StatusProvider {
  /** The TMC2130's internal clock, Hz (datasheet: 13.2 MHz typical). */
  static final double TMC_FREQUENCY = 13_200_000.0;

  private final TmcDriver driver;

  public Tmc2130Module(Printer printer, ConfigSection section) {
    TmcFields fields = new TmcFields(TmcRegisterMaps.TMC2130);
    TmcSpi spi = new TmcSpi(printer, section, fields, TMC_FREQUENCY);
    TmcDriver.readDiagPins(section, fields);
    TmcCurrent current = new SenseResistorCurrent(section, spi);
    driver = new TmcDriver(printer, section, spi, current);
    driver.setupRegisterDump(TmcRegisterMaps.TMC2130_READ, null);
    TmcDriver.waveTable(section, fields);
    TmcDriver.stealthchop(section, spi);
    TmcDriver.coolstepThreshold(section, spi);
    TmcDriver.highVelocityThreshold(section, spi);
    fields.setConfigField(section, "toff", 4);
    fields.setConfigField(section, "hstrt", 0);
    fields.setConfigField(section, "hend", 7);
    fields.setConfigField(section, "tbl", 1);
    fields.setConfigField(section, "vhighfs", 0);
    fields.setConfigField(section, "vhighchm", 0);
    fields.setConfigField(section, "semin", 0);
    fields.setConfigField(section, "seup", 0);
    fields.setConfigField(section, "semax", 0);
    fields.setConfigField(section, "sedn", 0);
    fields.setConfigField(section, "seimin", 0);
    fields.setConfigField(section, "sgt", 0);
    fields.setConfigField(section, "sfilt", 0);
    fields.setConfigField(section, "iholddelay", 8);
    fields.setConfigField(section, "pwm_ampl", 128);
    fields.setConfigField(section, "pwm_grad", 4);
    fields.setConfigField(section, "pwm_freq", 1);
    fields.setConfigField(section, "pwm_autoscale", 1);
    fields.setConfigField(section, "freewheel", 0);
    fields.setConfigField(section, "tpowerdown", 0);
  }

  public TmcDriver driver() {
    return driver;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return driver.status(eventtime);
  }
}
