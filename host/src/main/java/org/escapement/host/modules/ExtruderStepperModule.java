package org.escapement.host.modules;

import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [extruder_stepper NAME]}: one more filament motor, driven by the motion of the
 * extruder named in its {@code extruder} option (an empty value: none, until
 * SYNC_EXTRUDER_MOTION), with pressure advance of its own.
 */
public final class ExtruderStepperModule implements StatusProvider {
  private final ExtruderStepper extruderStepper;

  public ExtruderStepperModule(Printer printer, ConfigSection section) {
    extruderStepper = new ExtruderStepper(printer, section);
    String extruder = section.get("extruder"); // required, but may be empty
    printer.onEvent(Printer.Event.CONNECT, () -> extruderStepper.syncToExtruder(extruder));
  }

  public ExtruderStepper extruderStepper() {
    return extruderStepper;
  }

  /** Where the motor was at {@code printTime}, from the steps sent. */
  public double findPastPosition(double printTime) {
    return extruderStepper.findPastPosition(printTime);
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return extruderStepper.status();
  }
}
