package org.escapement.host.tmc;

import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/** {@code [tmc2208 stepper_x]}: a TMC2208/2224 on a one-wire UART (it has no address). */
public final class Tmc2208Module implements StatusProvider {
  /** The TMC2208's internal clock, Hz (datasheet: 12 MHz nominal). */
  static final double TMC_FREQUENCY = 12_000_000.0;

  private final TmcDriver driver;

  public Tmc2208Module(Printer printer, ConfigSection section) {
    TmcFields fields = new TmcFields(TmcRegisterMaps.TMC2208);
    TmcUart uart = new TmcUart(printer, section, fields, 0, TMC_FREQUENCY);
    fields.setField("pdn_disable", true); // PDN_UART is the UART, not power-down
    TmcCurrent current = new SenseResistorCurrent(section, uart);
    driver = new TmcDriver(printer, section, uart, current);
    // IOIN's layout depends on which chip answered: its sel_a bit says
    driver.setupRegisterDump(TmcRegisterMaps.TMC2208_READ, (reg, val) -> {
      if (!reg.equals("IOIN")) {
        return reg;
      }
      long selA = fields.getField("sel_a", val, "IOIN@TMC222x");
      return selA != 0 ? "IOIN@TMC220x" : "IOIN@TMC222x";
    });
    fields.setField("mstep_reg_select", true); // microsteps from MRES, not the MS pins
    TmcDriver.stealthchop(section, uart);
    fields.setConfigField(section, "multistep_filt", 1);
    fields.setConfigField(section, "toff", 3);
    fields.setConfigField(section, "hstrt", 5);
    fields.setConfigField(section, "hend", 0);
    fields.setConfigField(section, "tbl", 2);
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
  }

  public TmcDriver driver() {
    return driver;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return driver.status(eventtime);
  }
}
