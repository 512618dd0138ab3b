package org.escapement.host.motion;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.modules.ConfigFileStatus;
import org.escapement.host.motion.kinematics.LinearStepper;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;
import org.escapement.host.reactor.Completion;

/**
 * {@code [manual_stepper NAME]}: a stepper outside the kinematics, moved by MANUAL_STEPPER
 * (a feeder, a tool changer, a filament cutter). It keeps its own position and its own trapq;
 * its moves start when the toolhead's queued moves end, and (with SYNC=0) may run alongside
 * later toolhead moves. With an endstop_pin it can home (STOP_ON_ENDSTOP). GCODE_AXIS=A makes
 * it an extra G-code axis that moves with G1 like the extruder does.
 */
public final class ManualStepperModule implements ExtraAxis, Homing.Mover {
  private final Printer printer;
  private final String name;
  private final boolean canHome;
  private final Rail rail;
  private final List<Stepper> steppers;
  private final double velocity;
  private final double accel;
  private double homingAccel;
  private final Double positionMin;
  private final Double positionMax;
  private final MotionQueuing motionQueuing;
  private final Trapq trapq;
  private double nextCmdTime;
  private double commandedPos;
  private String axisGcodeId;
  private double instantCornerVelocity;
  private double axisLimitVelocity;
  private double axisLimitAccel;

  public ManualStepperModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    this.name = section.name();
    if (section.get("endstop_pin", null) != null) {
      canHome = true;
      rail = Rail.lookup(printer, printer.lookupObject("configfile", ConfigFileStatus.class)
          .config(), name, false, false, 0.0, false);
      steppers = rail.steppers();
    } else {
      canHome = false;
      rail = null;
      steppers = List.of(Stepper.fromConfig(printer, section, false));
    }
    velocity = section.getFloat("velocity", 5.0, Bounds.above(0));
    accel = section.getFloat("accel", 0.0, Bounds.min(0));
    homingAccel = accel;
    positionMin = section.getFloatOrNull("position_min", Bounds.NONE);
    positionMax = section.getFloatOrNull("position_max", Bounds.NONE);
    motionQueuing = Toolhead.motionQueuing(printer);
    trapq = motionQueuing.allocateTrapq();
    for (Stepper s : steppers) {
      s.setKinematics(LinearStepper.axis('x'));
      s.setTrapq(trapq);
    }
    printer.lookupObject("gcode", GCodeDispatch.class).registerMux("MANUAL_STEPPER",
        "STEPPER", name.substring(name.indexOf(' ') + 1).strip(), this::cmdManualStepper,
        "Command a manually configured stepper");
  }

  private Toolhead toolhead() {
    return printer.lookupObject("toolhead", Toolhead.class);
  }

  /** Moves of this stepper and of the toolhead start after whichever ends later. */
  private void syncPrintTime() {
    Toolhead th = toolhead();
    double printTime = th.lastMoveTime();
    if (nextCmdTime > printTime) {
      th.dwell(nextCmdTime - printTime);
    } else {
      nextCmdTime = printTime;
    }
  }

  private void doEnable(boolean enable) {
    StepperEnable.of(printer).setMotorsEnable(steppers.stream().map(Stepper::name).toList(),
        enable);
  }

  private void doSetPosition(double pos) {
    toolhead().flushStepGeneration();
    commandedPos = pos;
    for (Stepper s : steppers) {
      s.setPosition(new double[] {pos, 0, 0});
    }
  }

  /** Queues a move to {@code pos} at {@code startTime}; returns its end time. */
  private double submitMove(double startTime, double pos, double speed, double moveAccel) {
    double from = commandedPos;
    ForceMove.MoveTime mt = ForceMove.MoveTime.of(pos - from, speed, moveAccel);
    trapq.append(startTime, mt.accelT(), mt.cruiseT(), mt.accelT(), from, 0, 0, mt.axisR(), 0,
        0, 0, mt.cruiseV(), moveAccel);
    commandedPos = pos;
    return startTime + mt.total();
  }

  private void doMove(double pos, double speed, double moveAccel, boolean sync) {
    syncPrintTime();
    nextCmdTime = submitMove(nextCmdTime, pos, speed, moveAccel);
    motionQueuing.noteMcuMovequeueActivity(nextCmdTime, true);
    if (sync) {
      syncPrintTime();
    }
  }

  private void doHomingMove(double pos, double speed, double moveAccel, boolean probe,
      boolean triggered, boolean checkTrigger) {
    if (!canHome) {
      throw new CommandError("No endstop for this manual stepper");
    }
    homingAccel = moveAccel;
    printer.lookupObject("homing", Homing.Commands.class).manualHome(this, rail.endstops(),
        new double[] {pos, 0, 0, 0}, speed, probe, triggered, checkTrigger);
    syncPrintTime();
  }

  // ---- MANUAL_STEPPER ----

  /** A parameter that must be a real number (NaN or inf would poison the position). */
  private static double finite(GCodeCommand c, String param, double value) {
    if (!Double.isFinite(value)) {
      throw c.error("Error on '" + c.commandLine() + "': " + param + " must be a finite"
          + " number");
    }
    return value;
  }

  private double movePosition(GCodeCommand c) {
    double pos = finite(c, "MOVE", c.getFloat("MOVE", null));
    if ((positionMin != null && pos < positionMin) || (positionMax != null
        && pos > positionMax)) {
      throw c.error("Move out of range");
    }
    return pos;
  }

  private void cmdManualStepper(GCodeCommand c) {
    if (c.has("GCODE_AXIS")) {
      commandWithGcodeAxis(c);
      return;
    }
    if (axisGcodeId != null) {
      throw c.error("Must unregister from gcode axis first");
    }
    if (c.has("ENABLE")) {
      doEnable(c.getInt("ENABLE", null) != 0);
    }
    if (c.has("SET_POSITION")) {
      doSetPosition(finite(c, "SET_POSITION", c.getFloat("SET_POSITION", null)));
    }
    double speed = finite(c, "SPEED", c.getFloat("SPEED", velocity, Bounds.above(0)));
    double moveAccel = finite(c, "ACCEL", c.getFloat("ACCEL", accel, Bounds.min(0)));
    if (c.has("STOP_ON_ENDSTOP")) {
      String request = switch (c.get("STOP_ON_ENDSTOP")) {
        // The old numeric forms, still accepted.
        case "-2" -> "try_inverted_home";
        case "-1" -> "inverted_home";
        case "1" -> "home";
        case "2" -> "try_home";
        default -> c.get("STOP_ON_ENDSTOP");
      };
      boolean isTry = request.startsWith("try_");
      request = isTry ? request.substring(4) : request;
      boolean inverted = request.startsWith("inverted_");
      request = inverted ? request.substring(9) : request;
      if (!request.equals("probe") && !request.equals("home")) {
        throw c.error("Unknown STOP_ON_ENDSTOP request");
      }
      doHomingMove(movePosition(c), speed, moveAccel, request.equals("probe"), !inverted,
          !isTry);
    } else if (c.has("MOVE")) {
      double pos = movePosition(c);
      doMove(pos, speed, moveAccel, c.getInt("SYNC", 1) != 0);
    } else if (c.getInt("SYNC", 0) != 0) {
      syncPrintTime();
    }
  }

  private void commandWithGcodeAxis(GCodeCommand c) {
    Toolhead th = toolhead();
    String axis = c.get("GCODE_AXIS").toUpperCase(Locale.ROOT);
    double icv = c.getFloat("INSTANTANEOUS_CORNER_VELOCITY", 1.0, Bounds.min(0));
    double limitVelocity = c.getFloat("LIMIT_VELOCITY", 999999.9, Bounds.above(0));
    double limitAccel = c.getFloat("LIMIT_ACCEL", 999999.9, Bounds.above(0));
    if (axisGcodeId != null) {
      if (!axis.isEmpty()) {
        throw c.error("Must unregister axis first");
      }
      th.removeExtraAxis(this);
      axisGcodeId = null;
      return;
    }
    if (axis.length() != 1 || !Character.isUpperCase(axis.charAt(0))
        || "XYZEFN".contains(axis)) {
      if (axis.isEmpty()) {
        return; // unregistering an axis that is not registered
      }
      throw c.error("Not a valid GCODE_AXIS");
    }
    for (ExtraAxis ea : th.extraAxes()) {
      if (axis.equals(ea.gcodeId())) {
        throw c.error("Axis '" + axis + "' already registered");
      }
    }
    axisGcodeId = axis;
    instantCornerVelocity = icv;
    axisLimitVelocity = limitVelocity;
    axisLimitAccel = limitAccel;
    th.addExtraAxis(this, commandedPos);
  }

  // ---- as an extra G-code axis ----

  @Override
  public String name() {
    return name;
  }

  @Override
  public String gcodeId() {
    return axisGcodeId;
  }

  @Override
  public void checkMove(Move move, int axis) {
    double pos = move.endPos[axis];
    if ((positionMin != null && pos < positionMin) || (positionMax != null
        && pos > positionMax)) {
      throw move.moveError();
    }
    double ratio = move.moveD / Math.abs(move.axesD[axis]);
    double limitAccel = axisLimitAccel * ratio;
    if (!move.isKinematicMove && accel != 0) {
      limitAccel = Math.min(limitAccel, accel * ratio);
    }
    move.limitSpeed(axisLimitVelocity * ratio, limitAccel);
  }

  @Override
  public double calcJunction(Move prev, Move move, int axis) {
    double diff = move.axesR[axis] - prev.axesR[axis];
    if (diff != 0) {
      return (instantCornerVelocity / Math.abs(diff)) * (instantCornerVelocity
          / Math.abs(diff));
    }
    return move.maxCruiseV2;
  }

  @Override
  public void processMove(double printTime, Move move, int axis) {
    double axisR = move.axesR[axis];
    trapq.append(printTime, move.accelT, move.cruiseT, move.decelT, move.startPos[axis], 0, 0,
        1, 0, 0, move.startV * axisR, move.cruiseV * axisR, move.accel * axisR);
    commandedPos = move.endPos[axis];
  }

  @Override
  public Trapq trapq() {
    return trapq;
  }

  // ---- as the mover of its own homing moves ----

  @Override
  public void flushStepGeneration() {
    toolhead().flushStepGeneration();
  }

  @Override
  public double[] position() {
    return new double[] {commandedPos, 0, 0, 0};
  }

  @Override
  public void setPosition(double[] pos) {
    doSetPosition(pos[0]);
  }

  @Override
  public double lastMoveTime() {
    syncPrintTime();
    return nextCmdTime;
  }

  @Override
  public void dwell(double seconds) {
    nextCmdTime += Math.max(0, seconds);
  }

  @Override
  public void dripMove(double[] pos, double speed, Completion<?> stop) {
    syncPrintTime();
    double start = nextCmdTime;
    double end = submitMove(start, pos[0], speed, homingAccel);
    motionQueuing.dripUpdateTime(start, end, stop);
    motionQueuing.wipeTrapq(trapq);
  }

  @Override
  public List<Stepper> steppers() {
    return steppers;
  }

  @Override
  public double[] calcPosition(Map<String, Double> stepperPositions) {
    return new double[] {stepperPositions.get(steppers.get(0).name()), 0, 0};
  }
}
