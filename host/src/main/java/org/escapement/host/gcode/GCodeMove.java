package org.escapement.host.gcode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.motion.Coord;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.motion.kinematics.Kinematics;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * G-code coordinates: G0/G1 moves, absolute and relative modes (G90/G91, M82/M83), G92
 * offsets, speed and extrusion factors (M220/M221), SET_GCODE_OFFSET and saved states. A
 * G-code position is the toolhead position minus the "base" (G92 and offsets); E is scaled
 * by the extrusion factor.
 */
public final class GCodeMove implements StatusProvider {
  /** Something between G-code and the toolhead (bed mesh, skew correction) that can adjust moves. */
  public interface MoveTransform {
    void move(double[] newPos, double speed);

    double[] position();
  }

  private record SavedState(boolean absoluteCoord, boolean absoluteExtrude, double[] base,
      double[] last, double[] homing, double speed, double speedFactor, double extrudeFactor) {}

  private final Printer printer;
  private boolean ready;
  private boolean absoluteCoord = true;
  private boolean absoluteExtrude = true;
  private double[] basePosition = new double[4];
  private double[] lastPosition = new double[4];
  private double[] homingPosition = new double[4];
  private Map<String, Integer> axisMap = new LinkedHashMap<>(Map.of("X", 0, "Y", 1, "Z", 2,
      "E", 3));
  private double speed = 25.0;
  private double speedFactor = 1.0 / 60.0;
  private double extrudeFactor = 1.0;
  private final Map<String, SavedState> saved = new LinkedHashMap<>();
  private MoveTransform transform;
  private MoveTransform toolheadTransform;

  public GCodeMove(Printer printer) {
    this.printer = printer;
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.register("G1", this::cmdG1, false, null);
    gcode.register("G0", this::cmdG1, false, null);
    gcode.register("G20", c -> {
      throw c.error("Machine does not support G20 (inches) command");
    }, false, null);
    gcode.register("G21", c -> {}, false, null);
    gcode.register("M82", c -> absoluteExtrude = true, false, null);
    gcode.register("M83", c -> absoluteExtrude = false, false, null);
    gcode.register("G90", c -> absoluteCoord = true, false, null);
    gcode.register("G91", c -> absoluteCoord = false, false, null);
    gcode.register("G92", this::cmdG92, false, null);
    gcode.register("M220", this::cmdM220, false, null);
    gcode.register("M221", this::cmdM221, false, null);
    gcode.register("SET_GCODE_OFFSET", this::cmdSetGcodeOffset, false,
        "Set a virtual offset to g-code positions");
    gcode.register("SAVE_GCODE_STATE", this::cmdSaveState, false,
        "Save G-Code coordinate state");
    gcode.register("RESTORE_GCODE_STATE", this::cmdRestoreState, false,
        "Restore a previously saved G-Code state");
    gcode.register("M114", this::cmdM114, true, null);
    gcode.register("GET_POSITION", this::cmdGetPosition, true,
        "Return information on the current location of the toolhead");
    printer.onEvent(Printer.Event.READY, () -> {
      ready = true;
      if (transform == null) {
        Toolhead th = printer.lookupObject("toolhead", Toolhead.class);
        toolheadTransform = new MoveTransform() {
          @Override
          public void move(double[] newPos, double s) {
            th.move(newPos, s);
          }

          @Override
          public double[] position() {
            return th.position();
          }
        };
      }
      resetLastPosition();
    });
    printer.onEvent(Printer.Event.SHUTDOWN, () -> ready = false);
    printer.onEvent(Printer.Event.ANALYZE_SHUTDOWN, () -> System.getLogger("gcode_move").log(
        System.Logger.Level.INFO, String.format(Locale.ROOT, "gcode state: absolute_coord=%s"
            + " absolute_extrude=%s base_position=%s last_position=%s homing_position=%s"
            + " speed_factor=%s extrude_factor=%s speed=%s", py(absoluteCoord),
            py(absoluteExtrude), py(basePosition), py(lastPosition), py(homingPosition),
            speedFactor, extrudeFactor, speed)));
    printer.onEvent("toolhead:set_position", o -> resetLastPosition());
    printer.onEvent("toolhead:manual_move", o -> resetLastPosition());
    printer.onEvent("gcode:command_error", o -> resetLastPosition());
    printer.onEvent("extruder:activate_extruder", o -> {
      resetLastPosition();
      extrudeFactor = 1.0;
      basePosition[3] = lastPosition[3];
    });
    printer.onEvent("homing:home_rails_end", o -> {
      resetLastPosition();
      Object homing = ((Object[]) o)[0];
      for (int axis : ((org.escapement.host.motion.Homing) homing).axes()) {
        basePosition[axis] = homingPosition[axis];
      }
    });
    printer.onEvent("toolhead:update_extra_axes", o -> updateExtraAxes());
  }

  private static String py(boolean b) {
    return b ? "True" : "False";
  }

  private static String py(double[] v) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(v[i]);
    }
    return sb.append(']').toString();
  }

  /** Puts a transform (bed mesh...) between G-code and the toolhead; returns the previous. */
  public MoveTransform setMoveTransform(MoveTransform t, boolean force) {
    if (transform != null && !force) {
      throw new org.escapement.host.config.ConfigError("G-Code move transform already"
          + " specified");
    }
    MoveTransform old = transform != null ? transform : toolheadTransform();
    transform = t;
    return old;
  }

  private MoveTransform toolheadTransform() {
    if (toolheadTransform == null) {
      Toolhead th = printer.lookupObject("toolhead", Toolhead.class);
      toolheadTransform = new MoveTransform() {
        @Override
        public void move(double[] newPos, double s) {
          th.move(newPos, s);
        }

        @Override
        public double[] position() {
          return th.position();
        }
      };
    }
    return toolheadTransform;
  }

  private MoveTransform active() {
    return transform != null ? transform : toolheadTransform();
  }

  public void resetLastPosition() {
    if (ready) {
      double[] p = active().position();
      lastPosition = p.clone();
      if (basePosition.length < p.length) {
        double[] b = new double[p.length];
        System.arraycopy(basePosition, 0, b, 0, basePosition.length);
        basePosition = b;
      }
    }
  }

  private void updateExtraAxes() {
    Toolhead th = printer.lookupObject("toolhead", Toolhead.class);
    Map<String, Integer> map = new LinkedHashMap<>(Map.of("X", 0, "Y", 1, "Z", 2, "E", 3));
    var extra = th.extraAxes();
    for (int i = 1; i < extra.size(); i++) {
      String id = extra.get(i).gcodeId();
      if (id == null || id.length() != 1 || !Character.isUpperCase(id.charAt(0))
          || map.containsKey(id) || "FN".contains(id)) {
        continue;
      }
      map.put(id, i + 3);
    }
    axisMap = map;
    double[] b = new double[3 + extra.size()];
    System.arraycopy(basePosition, 0, b, 0, Math.min(4, basePosition.length));
    basePosition = b;
    resetLastPosition();
  }

  private double[] gcodePosition() {
    double[] p = new double[lastPosition.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = lastPosition[i] - basePosition[i];
    }
    p[3] /= extrudeFactor;
    return p;
  }

  // ---- commands ----

  private void cmdG1(GCodeCommand c) {
    Map<String, String> params = c.params();
    Map<String, Double> values = new LinkedHashMap<>();
    try {
      for (String axis : axisMap.keySet()) {
        String v = params.get(axis);
        if (v != null) {
          values.put(axis, GCodeCommand.parseFloat(v));
        }
      }
      String f = params.get("F");
      if (f != null) {
        values.put("F", GCodeCommand.parseFloat(f));
      }
    } catch (NumberFormatException e) {
      throw c.error("Unable to parse move '" + c.commandLine() + "'");
    }
    linearMove(values, c.commandLine());
  }

  /**
   * A G1 given as numbers by axis letter (and F): what G2/G3 split an arc into. The same
   * modes (G90/G91, M82/M83), factors and checks as G1; {@code commandLine} names the
   * command in errors.
   */
  public void linearMove(Map<String, Double> values, String commandLine) {
    for (Map.Entry<String, Integer> a : axisMap.entrySet()) {
      Double v = values.get(a.getKey());
      if (v == null) {
        continue;
      }
      if (!Double.isFinite(v)) {
        throw new GCodeError("Unable to parse move '" + commandLine + "'");
      }
      double value = v;
      int pos = a.getValue();
      boolean absolute = absoluteCoord;
      if (a.getKey().equals("E")) {
        value *= extrudeFactor;
        if (!absoluteExtrude) {
          absolute = false;
        }
      }
      if (absolute) {
        lastPosition[pos] = value + basePosition[pos];
      } else {
        lastPosition[pos] += value;
      }
    }
    Double f = values.get("F");
    if (f != null) {
      if (!(f > 0) || !Double.isFinite(f)) {
        throw new GCodeError("Invalid speed in '" + commandLine + "'");
      }
      speed = f * speedFactor;
    }
    active().move(lastPosition.clone(), speed);
  }

  private void cmdG92(GCodeCommand c) {
    boolean any = false;
    String[] axes = {"X", "Y", "Z", "E"};
    for (int i = 0; i < 4; i++) {
      if (c.has(axes[i])) {
        double offset = c.getFloat(axes[i], null);
        if (i == 3) {
          offset *= extrudeFactor;
        }
        basePosition[i] = lastPosition[i] - offset;
        any = true;
      }
    }
    if (!any) {
      System.arraycopy(lastPosition, 0, basePosition, 0, 4);
    }
  }

  private void cmdM114(GCodeCommand c) {
    double[] p = gcodePosition();
    c.respondRaw(String.format(Locale.ROOT, "X:%.3f Y:%.3f Z:%.3f E:%.3f", p[0], p[1], p[2],
        p[3]));
  }

  private void cmdM220(GCodeCommand c) {
    double value = c.getFloat("S", 100.0, Bounds.above(0)) / (60.0 * 100.0);
    speed = (speed / speedFactor) * value;
    speedFactor = value;
  }

  private void cmdM221(GCodeCommand c) {
    double factor = c.getFloat("S", 100.0, Bounds.above(0)) / 100.0;
    double lastE = lastPosition[3];
    double eValue = (lastE - basePosition[3]) / extrudeFactor;
    basePosition[3] = lastE - eValue * factor;
    extrudeFactor = factor;
  }

  private void cmdSetGcodeOffset(GCodeCommand c) {
    double[] delta = new double[4];
    String[] axes = {"X", "Y", "Z", "E"};
    for (int i = 0; i < 4; i++) {
      Double offset = c.getFloatOrNull(axes[i], Bounds.NONE);
      if (offset == null) {
        Double adjust = c.getFloatOrNull(axes[i] + "_ADJUST", Bounds.NONE);
        if (adjust == null) {
          continue;
        }
        offset = adjust + homingPosition[i];
      }
      double d = offset - homingPosition[i];
      delta[i] = d;
      basePosition[i] += d;
      homingPosition[i] = offset;
    }
    if (c.getInt("MOVE", 0) != 0) {
      double s = c.getFloat("MOVE_SPEED", speed, Bounds.above(0));
      for (int i = 0; i < 4; i++) {
        lastPosition[i] += delta[i];
      }
      active().move(lastPosition.clone(), s);
    }
  }

  private void cmdSaveState(GCodeCommand c) {
    saved.put(c.get("NAME", "default"), new SavedState(absoluteCoord, absoluteExtrude,
        basePosition.clone(), lastPosition.clone(), homingPosition.clone(), speed, speedFactor,
        extrudeFactor));
  }

  private void cmdRestoreState(GCodeCommand c) {
    String name = c.get("NAME", "default");
    SavedState s = saved.get(name);
    if (s == null) {
      throw c.error("Unknown g-code state: " + name);
    }
    absoluteCoord = s.absoluteCoord();
    absoluteExtrude = s.absoluteExtrude();
    System.arraycopy(s.base(), 0, basePosition, 0, 4);
    homingPosition = s.homing().clone();
    speed = s.speed();
    speedFactor = s.speedFactor();
    extrudeFactor = s.extrudeFactor();
    // The E position keeps going from where it is now.
    basePosition[3] += lastPosition[3] - s.last()[3];
    if (c.getInt("MOVE", 0) != 0) {
      double sp = c.getFloat("MOVE_SPEED", speed, Bounds.above(0));
      System.arraycopy(s.last(), 0, lastPosition, 0, 3);
      active().move(lastPosition.clone(), sp);
    }
  }

  private void cmdGetPosition(GCodeCommand c) {
    Toolhead th = printer.lookupObjectOrNull("toolhead", Toolhead.class);
    if (th == null) {
      throw c.error("Printer not ready");
    }
    Kinematics kin = th.kinematics();
    List<Stepper> steppers = kin.steppers();
    StringBuilder mcu = new StringBuilder();
    StringBuilder stepper = new StringBuilder();
    Map<String, Double> cinfo = new LinkedHashMap<>();
    for (Stepper s : steppers) {
      mcu.append(mcu.isEmpty() ? "" : " ").append(s.name()).append(':').append(s.mcuPosition());
      cinfo.put(s.name(), s.commandedPosition());
      stepper.append(stepper.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%s:%.6f",
          s.name(), s.commandedPosition()));
    }
    double[] kp = kin.calcPosition(cinfo);
    String kinPos = String.format(Locale.ROOT, "X:%.6f Y:%.6f Z:%.6f", kp[0], kp[1], kp[2]);
    double[] tp = th.position();
    String thPos = String.format(Locale.ROOT, "X:%.6f Y:%.6f Z:%.6f E:%.6f", tp[0], tp[1], tp[2],
        tp[3]);
    String gPos = String.format(Locale.ROOT, "X:%.6f Y:%.6f Z:%.6f E:%.6f", lastPosition[0],
        lastPosition[1], lastPosition[2], lastPosition[3]);
    String bPos = String.format(Locale.ROOT, "X:%.6f Y:%.6f Z:%.6f E:%.6f", basePosition[0],
        basePosition[1], basePosition[2], basePosition[3]);
    String hPos = String.format(Locale.ROOT, "X:%.6f Y:%.6f Z:%.6f", homingPosition[0],
        homingPosition[1], homingPosition[2]);
    c.respondInfo("mcu: " + mcu + "\nstepper: " + stepper + "\nkinematic: " + kinPos
        + "\ntoolhead: " + thPos + "\ngcode: " + gPos + "\ngcode base: " + bPos
        + "\ngcode homing: " + hPos);
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("speed_factor", speedFactor * 60.0);
    s.put("speed", speed / speedFactor);
    s.put("extrude_factor", extrudeFactor);
    s.put("absolute_coordinates", absoluteCoord);
    s.put("absolute_extrude", absoluteExtrude);
    s.put("homing_origin", new Coord(homingPosition));
    s.put("position", new Coord(lastPosition));
    s.put("gcode_position", new Coord(gcodePosition()));
    s.put("axis_map", axisMap);
    return s;
  }
}
