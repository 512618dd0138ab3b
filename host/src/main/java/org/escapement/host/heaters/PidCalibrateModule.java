package org.escapement.host.heaters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.modules.ConfigFileStatus;
import org.escapement.host.printer.Printer;

/**
 * PID_CALIBRATE HEATER=NAME TARGET=DEGREES [WRITE_FILE=1]: runs the relay test around the
 * target, reports the gains and keeps them for SAVE_CONFIG. Made with the first heater.
 */
public final class PidCalibrateModule {
  private static final System.Logger LOG = System.getLogger("heaters");
  private final Printer printer;

  public PidCalibrateModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    printer.lookupObject("gcode", GCodeDispatch.class).register("PID_CALIBRATE",
        this::cmdPidCalibrate, false, "Run PID calibration test");
    printer.lookupObject("configfile", ConfigFileStatus.class).registerSaveConfig(printer);
  }

  private void cmdPidCalibrate(GCodeCommand c) {
    String heaterName = c.get("HEATER");
    double target = c.getFloat("TARGET", null);
    int writeFile = c.getInt("WRITE_FILE", 0);
    Heaters heaters = Heaters.of(printer);
    Heater heater;
    try {
      heater = heaters.lookupHeater(heaterName);
    } catch (ConfigError e) {
      throw c.error(e.getMessage());
    }
    new ToolheadTiming(printer).lastMoveTime();
    PidAutoTune tune = new PidAutoTune(heater, target);
    HeaterControl old = heater.setControl(tune);
    try {
      heaters.setTemperature(heater, target, true);
    } finally {
      heater.setControl(old); // and the target back to 0: the heater is off afterwards
    }
    if (writeFile != 0) {
      try {
        tune.writeFile(Path.of("/tmp/heattest.txt"));
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "PID_CALIBRATE: cannot write /tmp/heattest.txt",
            e);
      }
    }
    if (!tune.finished()) {
      throw c.error("pid_calibrate interrupted");
    }
    PidAutoTune.Gains g = tune.finalGains();
    LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT,
        "Autotune: final: Kp=%f Ki=%f Kd=%f", g.kp(), g.ki(), g.kd()));
    c.respondInfo(String.format(Locale.ROOT,
        "PID parameters: pid_Kp=%.3f pid_Ki=%.3f pid_Kd=%.3f\n"
            + "The SAVE_CONFIG command will update the printer config file\n"
            + "with these parameters and restart the printer.", g.kp(), g.ki(), g.kd()));
    ConfigFileStatus configfile = printer.lookupObject("configfile", ConfigFileStatus.class);
    configfile.set(heater.name(), "control", "pid");
    configfile.set(heater.name(), "pid_Kp", String.format(Locale.ROOT, "%.3f", g.kp()));
    configfile.set(heater.name(), "pid_Ki", String.format(Locale.ROOT, "%.3f", g.ki()));
    configfile.set(heater.name(), "pid_Kd", String.format(Locale.ROOT, "%.3f", g.kd()));
  }
}
