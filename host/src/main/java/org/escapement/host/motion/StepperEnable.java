package org.escapement.host.motion;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Pins;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.mcu.McuDigitalOut;
import org.escapement.host.mcu.McuPin;
import org.escapement.host.modules.McuModule;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * Stepper driver enable lines: a motor is enabled just before it first moves and disabled by
 * M84/M18 (and on restart). Several drivers may share one enable pin; it stays on while any of
 * them is enabled.
 */
public final class StepperEnable implements StatusProvider {
  /** Wait this long around disabling, so enable and disable never overlap. */
  static final double DISABLE_STALL_TIME = 0.100;

  /** One enable pin (or none: always enabled), counting its enabled users. */
  static final class EnablePin {
    final McuDigitalOut out;
    int enableCount;
    boolean dedicated = true;

    EnablePin(McuDigitalOut out, int count) {
      this.out = out;
      this.enableCount = count;
    }

    void enable(double printTime) {
      if (enableCount == 0) {
        out.setDigital(printTime, true);
      }
      enableCount++;
    }

    void disable(double printTime) {
      enableCount--;
      if (enableCount == 0) {
        out.setDigital(printTime, false);
      }
    }
  }

  /** Told when a stepper is enabled or disabled (a driver that enables itself over its bus). */
  @FunctionalInterface
  public interface StateCallback {
    void changed(double printTime, boolean enabled);
  }

  /** A stepper's enable state. */
  public static final class Tracking {
    final Stepper stepper;
    final EnablePin pin;
    final List<StateCallback> callbacks = new java.util.ArrayList<>();
    boolean enabled;

    Tracking(Stepper stepper, EnablePin pin) {
      this.stepper = stepper;
      this.pin = pin;
      stepper.addActiveCallback(this::enable);
    }

    /** Called, before the pin changes, on every enable and disable of this stepper. */
    public void registerStateCallback(StateCallback cb) {
      callbacks.add(cb);
    }

    /**
     * False when the stepper has no enable pin or shares it: then a driver that can must
     * switch itself off (Trinamic drivers by setting toff to 0).
     */
    public boolean hasDedicatedEnable() {
      return pin.dedicated;
    }

    public boolean isEnabled() {
      return enabled;
    }

    void enable(double printTime) {
      if (!enabled) {
        callbacks.forEach(cb -> cb.changed(printTime, true));
        pin.enable(printTime);
        enabled = true;
      }
    }

    void disable(double printTime) {
      if (enabled) {
        callbacks.forEach(cb -> cb.changed(printTime, false));
        pin.disable(printTime);
        enabled = false;
        stepper.addActiveCallback(this::enable); // on its next movement
      }
    }
  }

  private final Printer printer;
  private final Map<String, Tracking> lines = new LinkedHashMap<>();
  private final Map<String, EnablePin> sharedPins = new LinkedHashMap<>();

  public static StepperEnable of(Printer printer) {
    StepperEnable e = printer.lookupObjectOrNull("stepper_enable", StepperEnable.class);
    if (e == null) {
      e = new StepperEnable(printer);
      printer.addObject("stepper_enable", e);
    }
    return e;
  }

  private StepperEnable(Printer printer) {
    this.printer = printer;
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.register("M18", c -> motorOff(), false, null);
    gcode.register("M84", c -> motorOff(), false, null);
    // M17 (enable every motor, e.g. to hold position) is not Klipper's, but slicers send it.
    gcode.register("M17", c -> setMotorsEnable(List.copyOf(lines.keySet()), true), false,
        null);
    printer.onEvent("gcode:request_restart", t -> motorOff());
  }

  void registerStepper(ConfigSection section, Stepper stepper) {
    String name = stepper.name();
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.registerMux("SET_STEPPER_ENABLE", "STEPPER", name, this::cmdSetStepperEnable,
        "Enable/disable individual stepper by name");
    lines.put(name, new Tracking(stepper, enablePin(section)));
  }

  private EnablePin enablePin(ConfigSection section) {
    String desc = section.get("enable_pin", null);
    if (desc == null) {
      EnablePin always = new EnablePin(null, 9999);
      always.dedicated = false;
      return always;
    }
    Pins pins = printer.lookupObject("pins", Pins.class);
    Pins.Pin p = pins.claim(desc, true, false, "stepper_enable");
    String key = p.chip() + ":" + p.pin();
    EnablePin shared = sharedPins.get(key);
    if (shared != null) {
      shared.dedicated = false;
      return shared;
    }
    McuModule chip = printer.lookupObject(p.chip().equals("mcu") ? "mcu" : "mcu " + p.chip(),
        McuModule.class);
    McuDigitalOut out = new McuDigitalOut(new McuPin(chip.mcu(), p.pin(), p.invert(), 0,
        "Option 'enable_pin' in section '" + section.name() + "'",
        pins.resolver(p.chip())::resolve));
    out.setupMaxDuration(0);
    EnablePin pin = new EnablePin(out, 0);
    sharedPins.put(key, pin);
    return pin;
  }

  /** Enables or disables the named steppers now; returns whether anything changed. */
  public boolean setMotorsEnable(List<String> names, boolean enable) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    toolhead.flushStepGeneration(); // runs any pending automatic enables first
    Double printTime = null;
    boolean changed = false;
    for (String name : names) {
      Tracking t = lines.get(name);
      if (t.enabled == enable) {
        continue;
      }
      if (printTime == null) {
        if (!enable) {
          toolhead.dwell(DISABLE_STALL_TIME);
        }
        printTime = toolhead.lastMoveTime();
      }
      if (enable) {
        t.enable(printTime);
      } else {
        t.disable(printTime);
      }
      changed = true;
    }
    if (changed && !enable) {
      toolhead.dwell(DISABLE_STALL_TIME);
    }
    return changed;
  }

  /** M84: every motor off, every axis unhomed. */
  public void motorOff() {
    setMotorsEnable(List.copyOf(lines.keySet()), false);
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    toolhead.kinematics().clearHomingState("xyz");
    printer.sendEvent("stepper_enable:motor_off", null);
  }

  /** The enable tracking of a stepper; a config error names an unknown one. */
  public Tracking lookupEnable(String stepper) {
    Tracking t = lines.get(stepper);
    if (t == null) {
      throw new org.escapement.host.config.ConfigError("Unknown stepper '" + stepper + "'");
    }
    return t;
  }

  public boolean isEnabled(String stepper) {
    Tracking t = lines.get(stepper);
    return t != null && t.enabled;
  }

  private void cmdSetStepperEnable(GCodeCommand c) {
    String name = c.get("STEPPER");
    boolean enable = c.getInt("ENABLE", 1) != 0;
    setMotorsEnable(List.of(name), enable);
    System.getLogger("stepper_enable").log(System.Logger.Level.INFO,
        name + " has been manually " + (enable ? "enabled" : "disabled"));
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    lines.forEach((n, t) -> s.put(n, t.enabled));
    return Map.of("steppers", s);
  }
}
