package org.escapement.host.heaters;

import java.util.Locale;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.printer.Printer;
import org.escapement.host.reactor.Reactor;

/**
 * {@code [verify_heater NAME]}, on for every heater whether the section exists or not: once a
 * second it checks that a heater below its target is getting there (heating_gain degrees
 * within check_gain_time) and, once there, stays within hysteresis; the shortfall adds up,
 * and past max_error the printer shuts down. This catches a heater that came loose from its
 * block, a thermistor that fell out, a dead heater cartridge. Off in batch mode.
 */
public final class VerifyHeaterModule {
  static final String HINT = "\nSee the 'verify_heater' section in docs/heaters.md\n"
      + "for the parameters that control this check.\n";

  private final Printer printer;
  private final String heaterName;
  private final double hysteresis;
  private final double maxError;
  private final double heatingGain;
  private final double checkGainTime;
  private Heater heater;
  private Reactor.Timer timer;
  private boolean approachingTarget;
  private boolean startingApproach;
  private double lastTarget;
  private double goalTemp;
  private double error;
  private double goalSystime = Reactor.NEVER;

  public VerifyHeaterModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    this.heaterName = section.suffix();
    hysteresis = section.getFloat("hysteresis", 5.0, Bounds.min(0));
    maxError = section.getFloat("max_error", 120.0, Bounds.min(0));
    heatingGain = section.getFloat("heating_gain", 2.0, Bounds.above(0));
    // A bed is a big mass: it may take a minute to gain a few degrees.
    checkGainTime = section.getFloat("check_gain_time",
        heaterName.equals("heater_bed") ? 60.0 : 20.0, Bounds.min(1));
    printer.onEvent(Printer.Event.CONNECT, this::connect);
    printer.onEvent(Printer.Event.SHUTDOWN, () -> {
      if (timer != null) {
        printer.reactor().updateTimer(timer, Reactor.NEVER);
      }
    });
  }

  private void connect() {
    if (printer.startOptions().isBatch()) {
      return;
    }
    heater = Heaters.of(printer).lookupHeater(heaterName);
    Heater.logInfo("Starting heater checks for " + heaterName);
    timer = printer.reactor().registerTimer(this::check, Reactor.NOW);
  }

  private double check(double eventtime) {
    TemperatureSource.Temperature t = heater.temperature(eventtime);
    double temp = t.current();
    double target = t.target();
    if (temp >= target - hysteresis || target <= 0) {
      // At the target (or off): start afresh.
      if (approachingTarget && target != 0) {
        Heater.logInfo(String.format(Locale.ROOT, "Heater %s within range of %.3f",
            heaterName, target));
      }
      approachingTarget = false;
      startingApproach = false;
      if (temp <= target + hysteresis) {
        error = 0;
      }
      lastTarget = target;
      return eventtime + 1.0;
    }
    error += (target - hysteresis) - temp;
    if (!approachingTarget) {
      if (target != lastTarget) {
        Heater.logInfo(String.format(Locale.ROOT, "Heater %s approaching new target of %.3f",
            heaterName, target));
        approachingTarget = true;
        startingApproach = true;
        goalTemp = temp + heatingGain;
        goalSystime = eventtime + checkGainTime;
      } else if (error >= maxError) {
        return fault();
      }
    } else if (temp >= goalTemp) {
      // Making progress: the next goal a little higher.
      startingApproach = false;
      error = 0;
      goalTemp = temp + heatingGain;
      goalSystime = eventtime + checkGainTime;
    } else if (eventtime >= goalSystime) {
      approachingTarget = false;
      Heater.logInfo(String.format(Locale.ROOT, "Heater %s no longer approaching target %.3f",
          heaterName, target));
    } else if (startingApproach) {
      // Still cooling from a previous target: measure the gain from the lowest point.
      goalTemp = Math.min(goalTemp, temp + heatingGain);
    }
    lastTarget = target;
    return eventtime + 1.0;
  }

  private double fault() {
    String msg = "Heater " + heaterName + " not heating at expected rate";
    System.getLogger("heaters").log(System.Logger.Level.ERROR, msg);
    printer.invokeShutdown(msg + HINT);
    return Reactor.NEVER;
  }
}
