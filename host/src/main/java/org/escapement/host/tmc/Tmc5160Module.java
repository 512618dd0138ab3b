package org.escapement.host.tmc;

import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/** {@code [tmc5160 stepper_x]}: a TMC5160 (external MOSFETs, up to ~20 A) on SPI. */
public final class Tmc5160Module implements StatusProvider {
  /** The TMC5160's internal clock, Hz (datasheet: 12 MHz typical). */
  static final double TMC_FREQUENCY = 12_000_000.0;

  private final TmcDriver driver;

  public Tmc5160Module(Printer printer, ConfigSection section) {
    TmcFields fields = new TmcFields(TmcRegisterMaps.TMC5160);
    TmcSpi spi = new TmcSpi(printer, section, fields, TMC_FREQUENCY);
    TmcDriver.readDiagPins(section, fields);
    TmcCurrent current = new GlobalScalerCurrent(section, spi);
    driver = new TmcDriver(printer, section, spi, current);
    driver.setupRegisterDump(TmcRegisterMaps.TMC5160_READ, null);
    TmcDriver.waveTable(section, fields);
    TmcDriver.stealthchop(section, spi);
    TmcDriver.coolstepThreshold(section, spi);
    TmcDriver.highVelocityThreshold(section, spi);
    fields.setConfigField(section, "multistep_filt", 1);
    fields.setConfigField(section, "toff", 3);
    fields.setConfigField(section, "hstrt", 5);
    fields.setConfigField(section, "hend", 2);
    fields.setConfigField(section, "fd3", 0);
    fields.setConfigField(section, "disfdcc", 0);
    fields.setConfigField(section, "chm", 0);
    fields.setConfigField(section, "tbl", 2);
    fields.setConfigField(section, "vhighfs", 0);
    fields.setConfigField(section, "vhighchm", 0);
    fields.setConfigField(section, "tpfd", 4);
    fields.setConfigField(section, "diss2g", 0);
    fields.setConfigField(section, "diss2vs", 0);
    fields.setConfigField(section, "semin", 0);
    fields.setConfigField(section, "seup", 0);
    fields.setConfigField(section, "semax", 0);
    fields.setConfigField(section, "sedn", 0);
    fields.setConfigField(section, "seimin", 0);
    fields.setConfigField(section, "sgt", 0);
    fields.setConfigField(section, "sfilt", 0);
    fields.setConfigField(section, "drvstrength", 0);
    fields.setConfigField(section, "bbmclks", 4);
    fields.setConfigField(section, "bbmtime", 0);
    fields.setConfigField(section, "filt_isense", 0);
    fields.setConfigField(section, "iholddelay", 6);
    fields.setConfigField(section, "pwm_ofs", 30);
    fields.setConfigField(section, "pwm_grad", 0);
    fields.setConfigField(section, "pwm_freq", 0);
    fields.setConfigField(section, "pwm_autoscale", 1);
    fields.setConfigField(section, "pwm_autograd", 1);
    fields.setConfigField(section, "freewheel", 0);
    fields.setConfigField(section, "pwm_reg", 4);
    fields.setConfigField(section, "pwm_lim", 12);
    fields.setConfigField(section, "tpowerdown", 10);
  }

  public TmcDriver driver() {
    return driver;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return driver.status(eventtime);
  }
}
