package org.escapement.host.motion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Pins;
import org.escapement.host.mcu.Endstop;
import org.escapement.host.mcu.McuEndstop;
import org.escapement.host.mcu.McuPin;
import org.escapement.host.modules.McuModule;
import org.escapement.host.motion.steps.StepperKinematics;
import org.escapement.host.printer.Printer;

/**
 * One axis's carriage: its stepper(s) ([stepper_x], [stepper_x1]...), endstop(s), travel
 * range and homing settings.
 */
public final class Rail {
  /** How this rail homes. */
  public record HomingInfo(double speed, double positionEndstop, double retractSpeed,
      double retractDist, boolean positiveDir, double secondHomingSpeed) {}

  /** An endstop and the name QUERY_ENDSTOPS reports it under. */
  public record NamedEndstop(Endstop endstop, String name) {}

  private record EndstopEntry(Endstop endstop, boolean invert, int pullup) {}

  private final Printer printer;
  private final String name;
  private final List<Stepper> steppers = new ArrayList<>();
  private final List<NamedEndstop> endstops = new ArrayList<>();
  private final Map<String, EndstopEntry> endstopByPin = new LinkedHashMap<>();
  private final String endstopPin;
  private final double positionEndstop;
  private final double positionMin;
  private final double positionMax;
  private final HomingInfo homingInfo;
  private final boolean unitsInRadians;

  /** [stepper_x], plus [stepper_x1], [stepper_x2]... when {@code multi}. */
  public static Rail lookup(Printer printer, Config config, String section, boolean multi,
      boolean needPositionMinMax, Double defaultPositionEndstop, boolean unitsInRadians) {
    Rail rail = new Rail(printer, config.section(section), needPositionMinMax,
        defaultPositionEndstop, unitsInRadians);
    rail.addStepperFromConfig(config.section(section));
    if (multi) {
      for (int i = 1; i < 99; i++) {
        if (!config.hasSection(section + i)) {
          break;
        }
        rail.addStepperFromConfig(config.section(section + i));
      }
    }
    return rail;
  }

  public Rail(Printer printer, ConfigSection section, boolean needPositionMinMax,
      Double defaultPositionEndstop, boolean unitsInRadians) {
    this.printer = printer;
    this.name = section.name();
    this.unitsInRadians = unitsInRadians;
    this.endstopPin = section.get("endstop_pin");
    Endstop first = lookupEndstop(section, "endstop_pin", endstopPin, name);
    // A probe as endstop triggers where the nozzle is its z_offset above the bed.
    positionEndstop = first instanceof ZVirtualEndstop probe ? probe.positionEndstop()
        : defaultPositionEndstop == null
        ? section.getFloat("position_endstop", null)
        : section.getFloat("position_endstop", defaultPositionEndstop);
    if (needPositionMinMax) {
      positionMin = section.getFloat("position_min", 0.0);
      positionMax = section.getFloat("position_max", null, Bounds.above(positionMin));
    } else {
      positionMin = 0;
      positionMax = positionEndstop;
    }
    if (positionEndstop < positionMin || positionEndstop > positionMax) {
      throw new ConfigError("position_endstop in section '" + name
          + "' must be between position_min and position_max");
    }
    double speed = section.getFloat("homing_speed", 5.0, Bounds.above(0));
    double second = section.getFloat("second_homing_speed", speed / 2, Bounds.above(0));
    double retractSpeed = section.getFloat("homing_retract_speed", speed, Bounds.above(0));
    double retractDist = section.getFloat("homing_retract_dist", 5.0, Bounds.min(0));
    Boolean positive = section.has("homing_positive_dir")
        ? section.getBoolean("homing_positive_dir", null) : null;
    if (positive == null) {
      double len = positionMax - positionMin;
      if (positionEndstop <= positionMin + len / 4) {
        positive = false;
      } else if (positionEndstop >= positionMax - len / 4) {
        positive = true;
      } else {
        throw new ConfigError("Unable to infer homing_positive_dir in section '" + name + "'");
      }
    } else if ((positive && positionEndstop == positionMin)
        || (!positive && positionEndstop == positionMax)) {
      throw new ConfigError("Invalid homing_positive_dir / position_endstop in '" + name + "'");
    }
    homingInfo = new HomingInfo(speed, positionEndstop, retractSpeed, retractDist, positive,
        second);
  }

  private Endstop lookupEndstop(ConfigSection section, String option, String pinDesc,
      String endstopName) {
    Pins pins = printer.lookupObject("pins", Pins.class);
    String desc = pinDesc.strip();
    String bare = desc.replaceFirst("^[\\^~]?\\s*!?\\s*", "");
    int colon = bare.indexOf(':');
    if (colon > 0) {
      String chip = bare.substring(0, colon).strip();
      if (chip.startsWith("tmc")) {
        throw new ConfigError("Option '" + option + "' in section '" + section.name() + "': "
            + chip + " virtual endstops are not supported yet");
      }
    }
    Pins.Pin p = pins.parse(desc, true, true);
    String key = p.chip() + ":" + p.pin();
    EndstopEntry e = endstopByPin.get(key);
    if (e == null && pins.chipObject(p.chip()) instanceof ZVirtualEndstop probe) {
      if (!p.pin().equals("z_virtual_endstop")) {
        throw new ConfigError("Probe virtual endstop only useful as endstop pin");
      }
      if (p.invert() || p.pullup() != 0) {
        throw new ConfigError("Can not pullup/invert probe virtual endstop");
      }
      pins.claim(desc, true, true, null);
      e = new EndstopEntry(probe, false, 0);
      endstopByPin.put(key, e);
      endstops.add(new NamedEndstop(probe, endstopName));
      QueryEndstops.of(printer).register(probe, endstopName);
    } else if (e == null) {
      Pins.Pin claimed = pins.claim(desc, true, true, null);
      McuModule chip = printer.lookupObject(p.chip().equals("mcu") ? "mcu" : "mcu " + p.chip(),
          McuModule.class);
      McuPin pin = new McuPin(chip.mcu(), claimed.pin(), claimed.invert(), claimed.pullup(),
          "Option '" + option + "' in section '" + section.name() + "'",
          pins.resolver(p.chip())::resolve);
      McuEndstop es = new McuEndstop(pin, printer.reactor());
      printer.onEvent(Printer.Event.SHUTDOWN, es::shutdown);
      e = new EndstopEntry(es, p.invert(), p.pullup());
      endstopByPin.put(key, e);
      endstops.add(new NamedEndstop(es, endstopName));
      QueryEndstops.of(printer).register(es, endstopName);
    } else if (e.invert() != p.invert() || e.pullup() != p.pullup()) {
      throw new ConfigError("Printer rail " + name + " shared endstop pin " + key
          + " must specify the same pullup/invert settings");
    }
    return e.endstop();
  }

  public void addStepper(Stepper s, ConfigSection section, String ownEndstopPin) {
    steppers.add(s);
    Endstop es = ownEndstopPin != null
        ? lookupEndstop(section, "endstop_pin", ownEndstopPin, s.shortName())
        : endstopByPin.values().iterator().next().endstop();
    es.addStepper(s);
  }

  private void addStepperFromConfig(ConfigSection section) {
    Stepper s = Stepper.fromConfig(printer, section, unitsInRadians);
    String own = section.name().equals(name) ? null : section.get("endstop_pin", null);
    addStepper(s, section, own);
  }

  public String name() {
    return name;
  }

  /** {@code x} for [stepper_x]. */
  public String shortName() {
    return name.startsWith("stepper") && name.length() > 8 ? name.substring(8)
        : name.substring(name.lastIndexOf(' ') + 1);
  }

  public double[] range() {
    return new double[] {positionMin, positionMax};
  }

  public HomingInfo homingInfo() {
    return homingInfo;
  }

  public List<Stepper> steppers() {
    return List.copyOf(steppers);
  }

  public List<NamedEndstop> endstops() {
    return List.copyOf(endstops);
  }

  /** Gives every stepper of the rail the same kind of position function. */
  public void setupKinematics(java.util.function.Supplier<StepperKinematics> factory) {
    for (Stepper s : steppers) {
      s.setKinematics(factory.get());
    }
  }

  public void setTrapq(Trapq tq) {
    for (Stepper s : steppers) {
      s.setTrapq(tq);
    }
  }

  public void setPosition(double[] coord) {
    for (Stepper s : steppers) {
      s.setPosition(coord);
    }
  }

  /** The first stepper's commanded position (the rail's position). */
  public double commandedPosition() {
    return steppers.get(0).commandedPosition();
  }

  public double calcPositionFromCoord(double[] coord) {
    return steppers.get(0).calcPositionFromCoord(coord);
  }
}
