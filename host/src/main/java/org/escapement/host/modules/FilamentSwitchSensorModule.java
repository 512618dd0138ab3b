package org.escapement.host.modules;

import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [filament_switch_sensor NAME]}: a switch closed while filament is in (switch_pin,
 * debounced by debounce_delay), with the runout and insert actions of {@link RunoutHelper}.
 */
public final class FilamentSwitchSensorModule implements StatusProvider {
  private final RunoutHelper runout;

  public FilamentSwitchSensorModule(Printer printer, ConfigSection section) {
    RunoutHelper[] helper = new RunoutHelper[1];
    Buttons.of(printer).registerDebounceButton(section, "switch_pin",
        (eventtime, state) -> helper[0].noteFilamentPresent(eventtime, state != 0));
    runout = new RunoutHelper(printer, section);
    helper[0] = runout;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return runout.status(eventtime);
  }
}
