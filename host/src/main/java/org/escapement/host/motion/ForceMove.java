package org.escapement.host.motion;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.modules.ConfigFileStatus;
import org.escapement.host.motion.kinematics.LinearStepper;
import org.escapement.host.motion.steps.StepperKinematics;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;

/**
 * Moving one stepper by itself: STEPPER_BUZZ (to find which motor is which), and with {@code
 * [force_move] enable_force_move: True} FORCE_MOVE and SET_KINEMATIC_POSITION, for setups
 * that need to move without homing (at the user's risk).
 */
public final class ForceMove {
  static final double BUZZ_DISTANCE = 1.0;
  static final double BUZZ_VELOCITY = BUZZ_DISTANCE / 0.250;
  static final double BUZZ_RADIANS_DISTANCE = Math.toRadians(1.0);
  static final double BUZZ_RADIANS_VELOCITY = BUZZ_RADIANS_DISTANCE / 0.250;

  private final Printer printer;
  private final Map<String, Stepper> steppers = new LinkedHashMap<>();
  private final boolean enableForceMove;
  private Trapq trapq;
  private final StepperKinematics kinematics = LinearStepper.axis('x');

  /** The module, with the [force_move] section's settings if there is one. */
  public static ForceMove of(Printer printer) {
    ForceMove f = printer.lookupObjectOrNull("force_move", ForceMove.class);
    if (f == null) {
      ConfigSection s = printer.lookupObject("configfile", ConfigFileStatus.class).config()
          .section("force_move");
      f = new ForceMove(printer, s);
      printer.addObject("force_move", f);
    }
    return f;
  }

  public ForceMove(Printer printer, ConfigSection section) {
    this.printer = printer;
    enableForceMove = section.getBoolean("enable_force_move", false);
    if (enableForceMove) {
      printer.lookupObject("gcode", GCodeDispatch.class).register("SET_KINEMATIC_POSITION",
          this::cmdSetKinematicPosition, false, "Force a low-level kinematic position");
    }
  }

  void registerStepper(Stepper s) {
    steppers.put(s.name(), s);
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.registerMux("STEPPER_BUZZ", "STEPPER", s.name(), this::cmdBuzz,
        "Oscillate a given stepper to help id it");
    if (enableForceMove) {
      gcode.registerMux("FORCE_MOVE", "STEPPER", s.name(), this::cmdForceMove,
          "Manually move a stepper; invalidates kinematics");
    }
  }

  /** A stepper by its section name, for modules that attach to one (drivers); at startup. */
  public Stepper lookupStepper(String name) {
    Stepper s = steppers.get(name);
    if (s == null) {
      throw new org.escapement.host.config.ConfigError("Unknown stepper " + name);
    }
    return s;
  }

  private Stepper lookup(String name) {
    Stepper s = steppers.get(name);
    if (s == null) {
      throw new CommandError("Unknown stepper " + name);
    }
    return s;
  }

  /**
   * Moves one stepper {@code dist} at {@code speed} (accelerating at {@code accel}, 0 for
   * none), outside the kinematics; the toolhead waits for it.
   */
  public void manualMove(Stepper stepper, double dist, double speed, double accel) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    if (trapq == null) {
      trapq = toolhead.motion().allocateTrapq();
    }
    toolhead.flushStepGeneration();
    StepperKinematics prevSk = stepper.kinematics();
    Trapq prevTrapq = stepper.trapq();
    stepper.setKinematics(kinematics);
    stepper.setTrapq(trapq);
    stepper.setPosition(new double[] {0, 0, 0});
    MoveTime mt = MoveTime.of(dist, speed, accel);
    double printTime = toolhead.lastMoveTime();
    trapq.append(printTime, mt.accelT(), mt.cruiseT(), mt.accelT(), 0, 0, 0, mt.axisR(), 0, 0,
        0, mt.cruiseV(), accel);
    double end = printTime + mt.total();
    toolhead.motion().noteMcuMovequeueActivity(end, true);
    toolhead.dwell(mt.total());
    toolhead.flushStepGeneration();
    stepper.setTrapq(prevTrapq);
    stepper.setKinematics(prevSk);
    toolhead.motion().wipeTrapq(trapq);
  }

  /**
   * A single-stepper move of {@code dist} (either sign) from and to a standstill: direction,
   * accelerate time (= decelerate time), cruise time and cruise speed. Accel 0 means none.
   */
  public record MoveTime(double axisR, double accelT, double cruiseT, double cruiseV) {
    public static MoveTime of(double dist, double speed, double accel) {
      double axisR = dist < 0 ? -1 : 1;
      double d = Math.abs(dist);
      if (accel == 0 || d == 0) {
        return new MoveTime(axisR, 0, d / speed, speed);
      }
      double cruiseV = speed;
      double maxCruiseV2 = d * accel;
      if (maxCruiseV2 < speed * speed) {
        cruiseV = Math.sqrt(maxCruiseV2); // too short to reach the speed: a triangle
      }
      double accelT = cruiseV / accel;
      return new MoveTime(axisR, accelT, (d - accelT * cruiseV) / cruiseV, cruiseV);
    }

    public double total() {
      return accelT + cruiseT + accelT;
    }
  }

  private boolean forceEnable(Stepper s) {
    return StepperEnable.of(printer).setMotorsEnable(List.of(s.name()), true);
  }

  private void cmdBuzz(GCodeCommand c) {
    Stepper s = lookup(c.get("STEPPER"));
    System.getLogger("force_move").log(System.Logger.Level.INFO, "Stepper buzz " + s.name());
    boolean didEnable = forceEnable(s);
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    double dist = s.unitsInRadians() ? BUZZ_RADIANS_DISTANCE : BUZZ_DISTANCE;
    double speed = s.unitsInRadians() ? BUZZ_RADIANS_VELOCITY : BUZZ_VELOCITY;
    for (int i = 0; i < 10; i++) {
      manualMove(s, dist, speed, 0);
      toolhead.dwell(0.050);
      manualMove(s, -dist, speed, 0);
      toolhead.dwell(0.450);
    }
    if (didEnable) {
      StepperEnable.of(printer).setMotorsEnable(List.of(s.name()), false);
    }
  }

  private void cmdForceMove(GCodeCommand c) {
    Stepper s = lookup(c.get("STEPPER"));
    double distance = c.getFloat("DISTANCE", null);
    double speed = c.getFloat("VELOCITY", null, Bounds.above(0));
    double accel = c.getFloat("ACCEL", 0.0, Bounds.min(0));
    System.getLogger("force_move").log(System.Logger.Level.INFO, String.format(Locale.ROOT,
        "FORCE_MOVE %s distance=%.3f velocity=%.3f accel=%.3f", s.name(), distance, speed,
        accel));
    forceEnable(s);
    manualMove(s, distance, speed, accel);
  }

  private void cmdSetKinematicPosition(GCodeCommand c) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    toolhead.lastMoveTime();
    double[] cur = toolhead.position();
    double x = c.getFloat("X", cur[0]);
    double y = c.getFloat("Y", cur[1]);
    double z = c.getFloat("Z", cur[2]);
    String setHomed = axesIn(c.get("SET_HOMED", "xyz"));
    String clear = c.has("CLEAR_HOMED") ? c.get("CLEAR_HOMED") : c.get("CLEAR", "");
    String clearHomed = axesIn(clear);
    System.getLogger("force_move").log(System.Logger.Level.INFO, String.format(Locale.ROOT,
        "SET_KINEMATIC_POSITION pos=%.3f,%.3f,%.3f set_homed=%s clear_homed=%s", x, y, z,
        setHomed, clearHomed));
    double[] pos = cur.clone();
    pos[0] = x;
    pos[1] = y;
    pos[2] = z;
    toolhead.setPosition(pos, setHomed);
    toolhead.kinematics().clearHomingState(clearHomed);
  }

  private static String axesIn(String s) {
    String l = s.toLowerCase(Locale.ROOT);
    StringBuilder b = new StringBuilder();
    for (char a : "xyz".toCharArray()) {
      if (l.indexOf(a) >= 0) {
        b.append(a);
      }
    }
    return b.toString();
  }
}
