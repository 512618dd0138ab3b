package org.escapement.host.modules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.motion.steps.InputShaperKinematics;
import org.escapement.host.motion.steps.Shapers;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [input_shaper]}: shaping of X, Y (and Z) against ringing, per axis a shaper type,
 * frequency (0 = off) and damping ratio; SET_INPUT_SHAPER changes them while printing.
 */
public final class InputShaperModule implements StatusProvider {
  /** One axis's settings. */
  static final class AxisShaper {
    final char axis;
    String type;
    double freq;
    double damping;
    Shapers.Shaper shaper;

    AxisShaper(char axis, ConfigSection section) {
      this.axis = axis;
      String common = section.get("shaper_type", "mzv");
      type = section.get("shaper_type_" + axis, common);
      Shapers.Type t = Shapers.type(type);
      if (t == null) {
        throw new ConfigError("Unsupported shaper type: " + type);
      }
      damping = section.getFloat("damping_ratio_" + axis, Shapers.DEFAULT_DAMPING_RATIO,
          Bounds.range(0, t.maxDampingRatio()));
      freq = section.getFloat("shaper_freq_" + axis, 0.0, Bounds.min(0));
      try {
        shaper = build(type, freq, damping);
      } catch (Shapers.ShaperException e) {
        throw new ConfigError("Failed to initialize shaper: " + e.getMessage());
      }
    }

    static Shapers.Shaper build(String type, double freq, double damping) {
      return freq == 0 ? new Shapers.Pulses(new double[0], new double[0])
          : Shapers.create(type, freq, damping);
    }

    void update(GCodeCommand c) {
      String up = String.valueOf(Character.toUpperCase(axis));
      String newType = c.get("SHAPER_TYPE", null);
      if (newType == null) {
        newType = c.get("SHAPER_TYPE_" + up, type);
      }
      newType = newType.toLowerCase(Locale.ROOT);
      Shapers.Type t = Shapers.type(newType);
      if (t == null) {
        throw c.error("Unsupported shaper type: " + newType);
      }
      double newDamping = c.getFloat("DAMPING_RATIO_" + up, damping, Bounds.min(0));
      if (newDamping > t.maxDampingRatio()) {
        throw c.error(String.format(Locale.ROOT, "Too high value of damping_ratio=%.3f for"
            + " shaper %s on axis %c", newDamping, newType, Character.toUpperCase(axis)));
      }
      double newFreq = c.getFloat("SHAPER_FREQ_" + up, freq, Bounds.min(0));
      Shapers.Shaper p;
      try {
        p = build(newType, newFreq, newDamping);
      } catch (Shapers.ShaperException e) {
        throw c.error("Failed to initialize shaper: " + e.getMessage());
      }
      type = newType;
      freq = newFreq;
      damping = newDamping;
      shaper = p;
    }

    String report() {
      return String.format(Locale.ROOT, "shaper_type_%c:%s shaper_freq_%c:%.3f"
          + " damping_ratio_%c:%.6f", axis, type, axis, freq, axis, damping);
    }
  }

  private final Printer printer;
  private final List<AxisShaper> shapers = new ArrayList<>();
  private final List<InputShaperKinematics> wrapped = new ArrayList<>();

  public InputShaperModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    for (char a : "xyz".toCharArray()) {
      shapers.add(new AxisShaper(a, section));
    }
    printer.onEvent(Printer.Event.CONNECT, () -> apply(true));
    printer.lookupObject("gcode", GCodeDispatch.class).register("SET_INPUT_SHAPER",
        this::cmdSetInputShaper, false, "Set cartesian parameters for input shaper");
  }

  /** Puts the shaper in front of every stepper the toolhead moves, with current settings. */
  private void apply(boolean atConnect) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    toolhead.flushStepGeneration();
    List<String> failed = new ArrayList<>();
    for (Stepper s : toolhead.kinematics().steppers()) {
      if (s.trapq() == null) {
        continue;
      }
      InputShaperKinematics isk;
      if (s.kinematics() instanceof InputShaperKinematics existing) {
        isk = existing;
      } else {
        isk = new InputShaperKinematics(s.kinematics());
        s.setKinematics(isk);
        wrapped.add(isk);
      }
      for (int i = 0; i < 3; i++) {
        AxisShaper sh = shapers.get(i);
        String name = "shaper_" + sh.axis;
        if (!failed.contains(name) && !isk.setShaper(i, sh.shaper)) {
          failed.add(name);
        }
      }
    }
    toolhead.motion().checkStepGenerationScanWindows();
    if (!failed.isEmpty()) {
      String msg = "Failed to configure shaper(s) " + String.join(", ", failed)
          + " with given parameters";
      if (atConnect) {
        throw new ConfigError(msg);
      }
      throw new CommandError(msg);
    }
  }

  private void cmdSetInputShaper(GCodeCommand c) {
    if (!c.params().isEmpty()) {
      for (AxisShaper s : shapers) {
        s.update(c);
      }
      apply(false);
    }
    for (int i = 0; i < shapers.size(); i++) {
      AxisShaper s = shapers.get(i);
      if (i < 2 || s.freq != 0) {
        c.respondInfo(s.report());
      }
    }
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    for (AxisShaper a : shapers) {
      s.put("shaper_type_" + a.axis, a.type);
      s.put("shaper_freq_" + a.axis, String.format(Locale.ROOT, "%.3f", a.freq));
      s.put("damping_ratio_" + a.axis, String.format(Locale.ROOT, "%.6f", a.damping));
    }
    return s;
  }
}
