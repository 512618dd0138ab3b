package org.escapement.host.modules;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.mcu.McuButtons;
import org.escapement.host.mcu.McuPin;
import org.escapement.host.printer.Printer;
import org.escapement.host.reactor.Reactor;

/**
 * The printer's input pins polled by their MCUs (switches, encoders: Klipper's {@code
 * buttons} object), made on first use. Pins are grouped per MCU, eight to a group.
 */
public final class Buttons {
  private final Printer printer;
  private final Map<String, McuButtons> byMcu = new HashMap<>();

  private Buttons(Printer printer) {
    this.printer = printer;
  }

  public static Buttons of(Printer printer) {
    Buttons b = printer.lookupObjectOrNull("buttons", Buttons.class);
    if (b == null) {
      b = new Buttons(printer);
      printer.addObject("buttons", b);
    }
    return b;
  }

  /** Watches the pin of {@code option} (may be inverted and pulled up or down). */
  public void registerButton(ConfigSection section, String option,
      McuButtons.Callback callback) {
    McuPin pin = PinSetup.pin(printer, section, option, "endstop");
    McuButtons group = byMcu.get(pin.mcu().name());
    if (group == null || group.pinCount() + 1 > McuButtons.MAX_PINS) {
      group = new McuButtons(pin.mcu());
      byMcu.put(pin.mcu().name(), group);
    }
    group.setupButtons(List.of(pin), callback);
  }

  /**
   * Watches a pin and reports a change only once it has held for the section's
   * debounce_delay (s, default 0): a bouncing switch is one change.
   */
  public void registerDebounceButton(ConfigSection section, String option,
      McuButtons.Callback callback) {
    Debounce d = new Debounce(printer.reactor(),
        section.getFloat("debounce_delay", 0.0, Bounds.min(0)), callback);
    registerButton(section, option, d::physicalChange);
  }

  private static final class Debounce {
    private final Reactor reactor;
    private final double delay;
    private final McuButtons.Callback action;
    private Integer logicalState;
    private int physicalState;
    private double latestEventtime;

    Debounce(Reactor reactor, double delay, McuButtons.Callback action) {
      this.reactor = reactor;
      this.delay = delay;
      this.action = action;
    }

    void physicalChange(double eventtime, int state) {
      physicalState = state;
      latestEventtime = eventtime;
      if (logicalState != null && logicalState == physicalState) {
        return;
      }
      reactor.registerTimer(now -> {
        settle(now);
        return Reactor.NEVER;
      }, eventtime + delay);
    }

    private void settle(double eventtime) {
      if (logicalState != null && logicalState == physicalState) {
        return;
      }
      // A later change supersedes this one: it has its own timer.
      if (eventtime - delay < latestEventtime) {
        return;
      }
      logicalState = physicalState;
      action.changed(latestEventtime, logicalState);
    }
  }
}
