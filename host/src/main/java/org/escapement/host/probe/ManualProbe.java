package org.escapement.host.probe;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.GCodeMove;
import org.escapement.host.modules.ConfigFileStatus;
import org.escapement.host.motion.Coord;
import org.escapement.host.motion.ProbeResult;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [manual_probe]}, there on every printer as in Klipper (the section has no options):
 * MANUAL_PROBE, and for a Z with an endstop Z_ENDSTOP_CALIBRATE and Z_OFFSET_APPLY_ENDSTOP (on
 * a linear delta, Z_OFFSET_APPLY_ENDSTOP moves all three tower endstops). The paper-test
 * session itself is {@link ManualProbeHelper}.
 */
public final class ManualProbe implements StatusProvider {
  private final Printer printer;
  private final GCodeDispatch gcode;
  private final Double zPositionEndstop;
  private final String zEndstopSection;
  private final Double[] towerEndstops = new Double[3];
  private Map<String, Object> status;

  /** The printer's manual_probe object, made on first use. */
  public static ManualProbe of(Printer printer) {
    ManualProbe m = printer.lookupObjectOrNull("manual_probe", ManualProbe.class);
    if (m == null) {
      m = new ManualProbe(printer, null);
      printer.addObject("manual_probe", m);
    }
    return m;
  }

  /** The [manual_probe] section: the same object as {@link #of}. */
  public static ManualProbe create(Printer printer, ConfigSection section) {
    return of(printer);
  }

  private ManualProbe(Printer printer, ConfigSection unused) {
    this.printer = printer;
    gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    Config config = printer.lookupObject("configfile", ConfigFileStatus.class).config();
    gcode.register("MANUAL_PROBE", c -> new ManualProbeHelper(printer, c, this::reportZ),
        false, "Start manual probe helper script");
    // Only looked at: the stepper sections are the kinematics' to read.
    if (config.hasSection("stepper_z")) {
      zPositionEndstop = config.section("stepper_z").peekFloat("position_endstop");
      zEndstopSection = "stepper_z";
    } else {
      zPositionEndstop = null;
      zEndstopSection = null;
    }
    for (int i = 0; i < 3; i++) {
      towerEndstops[i] = config.section("stepper_" + "abc".charAt(i))
          .peekFloat("position_endstop");
    }
    if (zPositionEndstop != null) {
      gcode.register("Z_ENDSTOP_CALIBRATE", c -> new ManualProbeHelper(printer, c,
          this::zEndstopFinalize), false, "Calibrate a Z endstop");
      gcode.register("Z_OFFSET_APPLY_ENDSTOP", this::cmdZOffsetApplyEndstop, false,
          "Adjust the z endstop_position");
    }
    String kinematics = config.section("printer").get("kinematics", "");
    if (kinematics.equals("delta")) {
      gcode.unregister("Z_OFFSET_APPLY_ENDSTOP");
      gcode.register("Z_OFFSET_APPLY_ENDSTOP", this::cmdZOffsetApplyDeltaEndstops, false,
          "Adjust the z endstop_position");
    }
    resetStatus();
  }

  void resetStatus() {
    Map<String, Object> s = new HashMap<>();
    s.put("is_active", false);
    s.put("z_position", null);
    s.put("z_position_lower", null);
    s.put("z_position_upper", null);
    status = s;
  }

  void setStatus(double z, Double lower, Double upper) {
    Map<String, Object> s = new HashMap<>();
    s.put("is_active", true);
    s.put("z_position", z);
    s.put("z_position_lower", lower);
    s.put("z_position_upper", upper);
    status = s;
  }

  private void reportZ(ProbeResult r) {
    if (r != null) {
      gcode.respondInfo(String.format(Locale.ROOT, "Z position is %.3f", r.bedZ()));
    }
  }

  private void zEndstopFinalize(ProbeResult r) {
    if (r == null) {
      return;
    }
    setEndstops(new String[] {zEndstopSection}, new double[] {zPositionEndstop - r.bedZ()});
  }

  private double gcodeZOffset() {
    GCodeMove gcodeMove = printer.lookupObject("gcode_move", GCodeMove.class);
    Coord origin = (Coord) gcodeMove.status(printer.reactor().monotonic()).get("homing_origin");
    return origin.get(2);
  }

  private void cmdZOffsetApplyEndstop(GCodeCommand c) {
    double offset = gcodeZOffset();
    if (offset == 0) {
      gcode.respondInfo("Nothing to do: Z Offset is 0");
      return;
    }
    setEndstops(new String[] {zEndstopSection}, new double[] {zPositionEndstop - offset});
  }

  private void cmdZOffsetApplyDeltaEndstops(GCodeCommand c) {
    double offset = gcodeZOffset();
    if (offset == 0) {
      gcode.respondInfo("Nothing to do: Z Offset is 0");
      return;
    }
    double[] values = new double[3];
    for (int i = 0; i < 3; i++) {
      // Towers b and c default to a's endstop, as the kinematics read them.
      Double e = towerEndstops[i] != null ? towerEndstops[i] : towerEndstops[0];
      if (e == null) {
        throw c.error("Option 'position_endstop' in section 'stepper_a' must be specified");
      }
      values[i] = e - offset;
    }
    setEndstops(new String[] {"stepper_a", "stepper_b", "stepper_c"}, values);
  }

  private void setEndstops(String[] sections, double[] values) {
    StringBuilder msg = new StringBuilder();
    ConfigFileStatus configfile = printer.lookupObject("configfile", ConfigFileStatus.class);
    for (int i = 0; i < sections.length; i++) {
      String v = String.format(Locale.ROOT, "%.3f", values[i]);
      msg.append(sections[i]).append(": position_endstop: ").append(v).append('\n');
      configfile.set(sections[i], "position_endstop", v);
    }
    gcode.respondInfo(msg + "The SAVE_CONFIG command will update the printer config file\n"
        + "with the above and restart the printer.");
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return new LinkedHashMap<>(status);
  }
}
