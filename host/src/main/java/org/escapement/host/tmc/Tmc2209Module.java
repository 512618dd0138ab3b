package org.escapement.host.tmc;

import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [tmc2209 stepper_x]}: a TMC2209 on a one-wire UART, up to four on one wire told apart
 * by {@code uart_address} (its MS1/MS2 pins).
 */
public final class Tmc2209Module implements StatusProvider {
  static final double TMC_FREQUENCY = 12_000_000.0;

  private final TmcDriver driver;

  public Tmc2209Module(Printer printer, ConfigSection section) {
    TmcFields fields = new TmcFields(TmcRegisterMaps.TMC2209);
    TmcUart uart = new TmcUart(printer, section, fields, 3, TMC_FREQUENCY);
    fields.setField("pdn_disable", true);
    fields.setField("senddelay", 2); // a reply waits 3 bit times: no collisions on a shared wire
    TmcDriver.readDiagPins(section, fields);
    TmcCurrent current = new SenseResistorCurrent(section, uart);
    driver = new TmcDriver(printer, section, uart, current);
    driver.setupRegisterDump(TmcRegisterMaps.TMC2209_READ, null);
    fields.setField("mstep_reg_select", true);
    TmcDriver.stealthchop(section, uart);
    TmcDriver.coolstepThreshold(section, uart);
    fields.setConfigField(section, "multistep_filt", 1);
    fields.setConfigField(section, "toff", 3);
    fields.setConfigField(section, "hstrt", 5);
    fields.setConfigField(section, "hend", 0);
    fields.setConfigField(section, "tbl", 2);
    fields.setConfigField(section, "semin", 0);
    fields.setConfigField(section, "seup", 0);
    fields.setConfigField(section, "semax", 0);
    fields.setConfigField(section, "sedn", 0);
    fields.setConfigField(section, "seimin", 0);
    fields.setConfigField(section, "iholddelay", 8);
    fields.setConfigField(section, "pwm_ofs", 36);
    fields.setConfigField(section, "pwm_grad", 14);
    fields.setConfigField(section, "pwm_freq", 1);
    fields.setConfigField(section, "pwm_autoscale", 1);
    fields.setConfigField(section, "pwm_autograd", 1);
    fields.setConfigField(section, "freewheel", 0);
    fields.setConfigField(section, "pwm_reg", 8);
    fields.setConfigField(section, "pwm_lim", 12);
    fields.setConfigField(section, "tpowerdown", 20);
    fields.setConfigField(section, "sgthrs", 0);
  }

  public TmcDriver driver() {
    return driver;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return driver.status(eventtime);
  }
}
