package org.escapement.host.modules;

import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;
import org.escapement.host.reactor.Reactor;

/**
 * {@code [filament_motion_sensor NAME]}: an encoder that toggles switch_pin as filament moves.
 * Filament counts as present until the extruder has pushed detection_length mm past the last
 * toggle; while printing that is checked every {@value #CHECK_RUNOUT_TIMEOUT} s.
 */
public final class FilamentMotionSensorModule implements StatusProvider {
  static final double CHECK_RUNOUT_TIMEOUT = 0.250;

  /** An extruder or extruder stepper: where its filament was at a past print time. */
  private interface FilamentPosition {
    double findPastPosition(double printTime);
  }

  private final Printer printer;
  private final String extruderName;
  private final double detectionLength;
  private final RunoutHelper runout;
  private FilamentPosition extruder;
  private Mcu mcu;
  private Reactor.Timer updateTimer;
  private double runoutPosition;

  public FilamentMotionSensorModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    // Read in Klipper's order, so the first error is the same.
    section.get("switch_pin");
    extruderName = section.get("extruder");
    detectionLength = section.getFloat("detection_length", 7.0, Bounds.above(0));
    Buttons.of(printer).registerButton(section, "switch_pin", this::encoderEvent);
    runout = new RunoutHelper(printer, section);
    printer.onEvent(Printer.Event.READY, this::onReady);
    printer.onEvent("idle_timeout:printing",
        t -> printer.reactor().updateTimer(updateTimer, Reactor.NOW));
    printer.onEvent("idle_timeout:ready",
        t -> printer.reactor().updateTimer(updateTimer, Reactor.NEVER));
    printer.onEvent("idle_timeout:idle",
        t -> printer.reactor().updateTimer(updateTimer, Reactor.NEVER));
  }

  private void onReady() {
    Object e = printer.lookupObject(extruderName, Object.class);
    if (e instanceof ExtruderModule em) {
      extruder = em::findPastPosition;
    } else if (e instanceof ExtruderStepperModule es) {
      extruder = es::findPastPosition;
    } else {
      throw new IllegalStateException("'" + extruderName + "' is not an extruder");
    }
    mcu = printer.lookupObject("mcu", McuModule.class).mcu();
    updateRunoutPosition(printer.reactor().monotonic());
    updateTimer = printer.reactor().registerTimer(this::checkRunout, Reactor.NEVER);
  }

  private double extruderPosition(double eventtime) {
    return extruder.findPastPosition(mcu.estimatedPrintTime(eventtime));
  }

  private void updateRunoutPosition(double eventtime) {
    runoutPosition = extruderPosition(eventtime) + detectionLength;
  }

  private double checkRunout(double eventtime) {
    runout.noteFilamentPresent(eventtime, extruderPosition(eventtime) < runoutPosition);
    return eventtime + CHECK_RUNOUT_TIMEOUT;
  }

  private void encoderEvent(double eventtime, int state) {
    if (extruder != null) {
      updateRunoutPosition(eventtime);
      // Any toggle means filament is moving past the sensor, so it is there.
      runout.noteFilamentPresent(eventtime, true);
    }
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return runout.status(eventtime);
  }
}
