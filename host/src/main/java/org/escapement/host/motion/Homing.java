package org.escapement.host.motion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.mcu.Endstop;
import org.escapement.host.mcu.TriggerStepper;
import org.escapement.host.motion.kinematics.Kinematics;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;
import org.escapement.host.reactor.Completion;

/**
 * Homing (G28): each axis moves toward its endstop until it triggers, backs off, and comes
 * back slower; the position is then known. The toolhead is first told it stands 1.5 axis
 * lengths away, so the homing move always reaches the endstop.
 */
public final class Homing {
  /**
   * What a homing move drives: the toolhead, or a manual stepper moving on its own (which
   * keeps its own position and print time).
   */
  public interface Mover {
    void flushStepGeneration();

    double[] position();

    void setPosition(double[] pos);

    /** The print time at which queued motion ends. */
    double lastMoveTime();

    void dwell(double seconds);

    /** Moves to {@code pos}, a little at a time, until {@code stop} completes. */
    void dripMove(double[] pos, double speed, Completion<?> stop);

    List<Stepper> steppers();

    /** The position for these stepper positions (NaN where unknown). */
    double[] calcPosition(Map<String, Double> stepperPositions);
  }

  static final double HOMING_START_DELAY = 0.001;
  static final double ENDSTOP_SAMPLE_TIME = 0.000015;
  static final int ENDSTOP_SAMPLE_COUNT = 4;

  private final Printer printer;
  private final Toolhead toolhead;
  private List<Integer> axes = List.of();
  private Map<String, Long> triggerMcuPos = new LinkedHashMap<>();
  private final Map<String, Double> adjustPos = new LinkedHashMap<>();

  public Homing(Printer printer) {
    this.printer = printer;
    this.toolhead = printer.lookupObject("toolhead", Toolhead.class);
  }

  public List<Integer> axes() {
    return axes;
  }

  public void setAxes(List<Integer> axes) {
    this.axes = List.copyOf(axes);
  }

  public long triggerPosition(String stepper) {
    return triggerMcuPos.get(stepper);
  }

  /** [homing_override]-style adjustments: a stepper's position after homing, shifted. */
  public void setStepperAdjustment(String stepper, double adjustment) {
    adjustPos.put(stepper, adjustment);
  }

  private double[] fill(Double[] coord) {
    double[] pos = toolhead.position();
    for (int i = 0; i < coord.length && i < pos.length; i++) {
      if (coord[i] != null) {
        pos[i] = coord[i];
      }
    }
    return pos;
  }

  /** Declares the head to be at {@code pos} (null entries keep their value), homing nothing. */
  public void setHomedPosition(Double[] pos) {
    toolhead.setPosition(fill(pos));
  }

  private void setStartPosition(Double[] forcePos) {
    StringBuilder homingAxes = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      if (forcePos[i] != null) {
        homingAxes.append("xyz".charAt(i));
      }
    }
    toolhead.setPosition(fill(forcePos), homingAxes.toString());
  }

  private double[] retractMove(Rail.HomingInfo hi, Double[] forcePos, Double[] movePos) {
    double[] start = fill(forcePos);
    double[] home = fill(movePos);
    double[] d = new double[home.length];
    double moveD = 0;
    for (int i = 0; i < home.length; i++) {
      d[i] = home[i] - start[i];
      if (i < 3) {
        moveD += d[i] * d[i];
      }
    }
    moveD = Math.sqrt(moveD);
    double retractR = Math.min(1.0, hi.retractDist() / moveD);
    double[] retract = new double[home.length];
    double[] newStart = new double[home.length];
    for (int i = 0; i < home.length; i++) {
      retract[i] = home[i] - d[i] * retractR;
      newStart[i] = retract[i] - d[i] * retractR;
    }
    toolhead.move(retract, hi.retractSpeed());
    toolhead.setPosition(newStart);
    return home;
  }

  /** Homes the given rails together (forcePos: where the head is said to start). */
  public void homeRails(List<Rail> rails, Double[] forcePos, Double[] movePos) {
    List<Rail.NamedEndstop> all = new ArrayList<>();
    rails.forEach(r -> all.addAll(r.endstops()));
    long probes = all.stream().filter(e -> e.endstop() instanceof ZVirtualEndstop).count();
    if (probes == 1 && all.size() == 1) {
      homeZViaProbe(rails, forcePos, movePos);
      return;
    }
    if (probes > 0) {
      throw new CommandError("Can't home to mix of probe:z_virtual_endstop rails");
    }
    homeEndstopRails(rails, forcePos, movePos);
  }

  /** The G28 command a homing probe runs with: one sample at the homing speed. */
  private GCodeCommand probeCommand(int attempt, double speed) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("HOME_ATTEMPT_NUM", Integer.toString(attempt));
    params.put("SAMPLES", "1");
    params.put("PROBE_SPEED", Double.toString(speed));
    return printer.lookupObject("gcode", GCodeDispatch.class).createCommand("G28", "", params);
  }

  private void probingHome(HomingProbe.Session session, int attempt, double speed) {
    session.runProbe(probeCommand(attempt, speed));
    ProbeResult r = session.pullProbedResults().get(0);
    double[] pos = toolhead.position();
    pos[2] -= r.bedZ();
    toolhead.setPosition(pos);
  }

  /**
   * Z homed with probe:z_virtual_endstop: a probe from below the whole axis, and again slower
   * after the retract; Z is then the height at which the nozzle touches the bed.
   */
  private void homeZViaProbe(List<Rail> rails, Double[] forcePos, Double[] movePos) {
    if (movePos[0] != null || movePos[1] != null) {
      throw new CommandError("Can only home Z with probe:z_virtual_endstop");
    }
    Rail.HomingInfo hi = rails.get(0).homingInfo();
    HomingProbe probe = printer.lookupObject("probe", HomingProbe.class);
    HomingProbe.Session session = probe.startProbeSession(probeCommand(1, hi.speed()));
    setStartPosition(forcePos);
    probingHome(session, 1, hi.speed());
    if (hi.retractDist() != 0) {
      retractMove(hi, forcePos, movePos);
      probingHome(session, 2, hi.secondHomingSpeed());
    }
    session.endProbeSession();
  }

  private void homeEndstopRails(List<Rail> rails, Double[] forcePos, Double[] movePos) {
    printer.sendEvent("homing:home_rails_begin", this);
    double[] homePos = fill(movePos);
    setStartPosition(forcePos);
    List<Rail.NamedEndstop> endstops = new ArrayList<>();
    rails.forEach(r -> endstops.addAll(r.endstops()));
    Rail.HomingInfo hi = rails.get(0).homingInfo();
    HomingMove first = new HomingMove(printer, toolhead, endstops);
    first.homingMove(homePos, hi.speed(), false, true, true);
    HomingMove last = first;
    if (hi.retractDist() != 0) {
      homePos = retractMove(hi, forcePos, movePos);
      last = new HomingMove(printer, toolhead, endstops);
      last.homingMove(homePos, hi.secondHomingSpeed(), false, true, true);
      String still = last.checkNoMovement();
      if (still != null) {
        throw new CommandError("Endstop " + still + " still triggered after retract");
      }
    }
    toolhead.flushStepGeneration();
    Map<String, Long> trig = new LinkedHashMap<>();
    for (HomingMove.StepperPosition sp : last.positions) {
      trig.put(sp.stepper.name(), sp.trigPos);
    }
    triggerMcuPos = trig;
    adjustPos.clear();
    printer.sendEvent("homing:home_rails_end", new Object[] {this, rails});
    if (adjustPos.values().stream().anyMatch(v -> v != 0)) {
      Kinematics kin = toolhead.kinematics();
      double[] pos = toolhead.position();
      Map<String, Double> spos = new LinkedHashMap<>();
      for (Stepper s : kin.steppers()) {
        spos.put(s.name(), s.commandedPosition() + adjustPos.getOrDefault(s.name(), 0.0));
      }
      double[] newPos = kin.calcPosition(spos);
      for (int axis = 0; axis < 3; axis++) {
        if (forcePos[axis] != null) {
          if (Double.isNaN(newPos[axis])) {
            throw new CommandError("Cannot determine position of toolhead on axis "
                + "xyz".charAt(axis) + " after homing");
          }
          pos[axis] = newPos[axis];
        }
      }
      toolhead.setPosition(pos);
    }
  }

  /** One move toward endstops, stopped by the first trigger. */
  static final class HomingMove {
    final class StepperPosition {
      final Stepper stepper;
      final String endstopName;
      final long startPos;
      final double startCmdPos;
      long haltPos;
      long trigPos;

      StepperPosition(Stepper stepper, String endstopName) {
        this.stepper = stepper;
        this.endstopName = endstopName;
        this.startPos = stepper.mcuPosition();
        this.startCmdPos = stepper.mcuToCommandedPosition(startPos);
      }

      void noteHomeEnd(double triggerTime) {
        haltPos = stepper.mcuPosition();
        trigPos = stepper.pastMcuPosition(triggerTime);
      }
    }

    private final Printer printer;
    private final Mover mover;
    private final List<Rail.NamedEndstop> endstops = new ArrayList<>();
    final List<StepperPosition> positions = new ArrayList<>();

    HomingMove(Printer printer, Mover mover, List<Rail.NamedEndstop> endstops) {
      this.printer = printer;
      this.mover = mover;
      for (Rail.NamedEndstop e : endstops) {
        if (!e.endstop().steppers().isEmpty()) {
          this.endstops.add(e);
        }
      }
    }

    /** Seconds between endstop checks: about one per step of the fastest stepper. */
    private double endstopRate(Endstop es, double[] movePos, double speed) {
      double[] start = mover.position();
      double d = 0;
      for (int i = 0; i < 3; i++) {
        d += (movePos[i] - start[i]) * (movePos[i] - start[i]);
      }
      double moveT = Math.sqrt(d) / speed;
      double maxSteps = 0;
      for (TriggerStepper ts : es.steppers()) {
        Stepper s = (Stepper) ts;
        maxSteps = Math.max(maxSteps, Math.abs(s.calcPositionFromCoord(start)
            - s.calcPositionFromCoord(movePos)) / s.stepDist());
      }
      return maxSteps <= 0 ? 0.001 : moveT / maxSteps;
    }

    double[] homingMove(double[] movePos, double speed, boolean probePos, boolean triggered,
        boolean checkTriggered) {
      printer.sendEvent("homing:homing_move_begin", this);
      mover.flushStepGeneration();
      Map<String, Double> kinSpos = new LinkedHashMap<>();
      for (Stepper s : mover.steppers()) {
        kinSpos.put(s.name(), s.commandedPosition());
      }
      for (Rail.NamedEndstop e : endstops) {
        for (TriggerStepper ts : e.endstop().steppers()) {
          positions.add(new StepperPosition((Stepper) ts, e.name()));
        }
      }
      double printTime = mover.lastMoveTime();
      List<Completion<Boolean>> triggers = new ArrayList<>();
      for (Rail.NamedEndstop e : endstops) {
        double rest = endstopRate(e.endstop(), movePos, speed);
        triggers.add(e.endstop().homeStart(printTime, ENDSTOP_SAMPLE_TIME,
            ENDSTOP_SAMPLE_COUNT, rest, triggered));
      }
      Completion<Boolean> all = anyOf(printer, triggers);
      mover.dwell(HOMING_START_DELAY);
      String error = null;
      try {
        mover.dripMove(movePos, speed, all);
      } catch (CommandError e) {
        error = "Error during homing move: " + e.getMessage();
      }
      Map<String, Double> triggerTimes = new LinkedHashMap<>();
      double moveEnd = mover.lastMoveTime();
      for (Rail.NamedEndstop e : endstops) {
        double t;
        try {
          t = e.endstop().homeWait(moveEnd);
        } catch (CommandError ex) {
          if (error == null) {
            error = "Error during homing " + e.name() + ": " + ex.getMessage();
          }
          continue;
        }
        if (t > 0) {
          triggerTimes.put(e.name(), t);
        } else if (checkTriggered && error == null) {
          error = "No trigger on " + e.name() + " after full movement";
        }
      }
      mover.flushStepGeneration();
      for (StepperPosition sp : positions) {
        sp.noteHomeEnd(triggerTimes.getOrDefault(sp.endstopName, moveEnd));
      }
      double[] haltPos;
      double[] trigPos;
      if (probePos) {
        Map<String, Long> halt = new LinkedHashMap<>();
        Map<String, Long> trig = new LinkedHashMap<>();
        for (StepperPosition sp : positions) {
          halt.put(sp.stepper.name(), sp.haltPos - sp.startPos);
          trig.put(sp.stepper.name(), sp.trigPos - sp.startPos);
        }
        haltPos = trigPos = calcToolheadPos(kinSpos, trig);
        if (!trig.equals(halt)) {
          haltPos = calcToolheadPos(kinSpos, halt);
        }
        mover.setPosition(haltPos);
      } else {
        haltPos = trigPos = movePos;
        Map<String, Long> over = new LinkedHashMap<>();
        boolean anyOver = false;
        for (StepperPosition sp : positions) {
          over.put(sp.stepper.name(), sp.haltPos - sp.trigPos);
          anyOver |= sp.haltPos != sp.trigPos;
        }
        if (anyOver) {
          // The steppers ran past the trigger: the head is beyond the endstop position.
          mover.setPosition(movePos);
          Map<String, Double> haltKin = new LinkedHashMap<>();
          for (Stepper s : mover.steppers()) {
            haltKin.put(s.name(), s.commandedPosition());
          }
          haltPos = calcToolheadPos(haltKin, over);
        }
        mover.setPosition(haltPos);
      }
      try {
        printer.sendEvent("homing:homing_move_end", this);
      } catch (CommandError e) {
        if (error == null) {
          error = e.getMessage();
        }
      }
      if (error != null) {
        throw new CommandError(error);
      }
      return trigPos;
    }

    private double[] calcToolheadPos(Map<String, Double> kinSpos, Map<String, Long> offsets) {
      Map<String, Double> spos = new LinkedHashMap<>(kinSpos);
      for (Stepper s : mover.steppers()) {
        spos.put(s.name(), spos.get(s.name()) + offsets.getOrDefault(s.name(), 0L)
            * s.stepDist());
      }
      double[] th = mover.position();
      double[] cpos = mover.calcPosition(spos);
      for (int i = 0; i < 3; i++) {
        if (!Double.isNaN(cpos[i])) {
          th[i] = cpos[i];
        }
      }
      return th;
    }

    /** A stepper that did not move: its endstop was already triggered (null if none). */
    String checkNoMovement() {
      if (printer.startOptions().input() != null) {
        return null;
      }
      for (StepperPosition sp : positions) {
        if (sp.startPos == sp.trigPos) {
          return sp.endstopName;
        }
      }
      return null;
    }
  }

  /** Completes when the first of {@code cs} completes (true = failure wins). */
  private static Completion<Boolean> anyOf(Printer printer, List<Completion<Boolean>> cs) {
    if (cs.size() == 1) {
      return cs.get(0);
    }
    Completion<Boolean> any = printer.reactor().completion();
    for (Completion<Boolean> c : cs) {
      printer.reactor().spawn(() -> {
        Boolean failed = c.await(org.escapement.host.reactor.Reactor.NEVER);
        if (failed != null) {
          any.complete(failed);
        }
      });
    }
    return any;
  }

  // ---- G28 ----

  /**
   * Registers G28 (once: [homing_override] and [safe_z_home] call this first, so that they
   * can wrap the command).
   */
  public static void registerCommands(Printer printer) {
    if (printer.hasObject("homing")) {
      return;
    }
    printer.addObject("homing", new Commands(printer));
    printer.lookupObject("gcode", GCodeDispatch.class).register("G28",
        c -> cmdG28(printer, c), false, null);
  }

  /** The "homing" object: homing moves for things other than the toolhead's rails. */
  public static final class Commands {
    private final Printer printer;

    Commands(Printer printer) {
      this.printer = printer;
    }

    /**
     * One homing move of {@code mover} towards {@code pos} until an endstop triggers (or,
     * {@code triggered} false, un-triggers); with {@code checkTriggered} no trigger is an
     * error. Returns the position at the trigger.
     */
    public double[] manualHome(Mover mover, List<Rail.NamedEndstop> endstops, double[] pos,
        double speed, boolean probePos, boolean triggered, boolean checkTriggered) {
      HomingMove move = new HomingMove(printer, mover, endstops);
      try {
        return move.homingMove(pos, speed, probePos, triggered, checkTriggered);
      } catch (CommandError e) {
        if (printer.isShutdown()) {
          throw new CommandError("Homing failed due to printer shutdown");
        }
        throw e;
      }
    }

    /** Is this the first probe of a G28 homing Z with the probe (it may start triggered)? */
    public boolean isProbeFirstHome(GCodeCommand gcmd) {
      return gcmd.command().equals("G28") && "1".equals(gcmd.params().get("HOME_ATTEMPT_NUM"));
    }

    /**
     * Moves toward {@code pos} until the probe triggers; returns the toolhead position at the
     * trigger. With {@code checkMovement}, a probe that triggered before moving is an error.
     */
    public double[] probingMove(Endstop probe, double[] pos, double speed,
        boolean checkMovement) {
      Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
      HomingMove move = new HomingMove(printer, toolhead, List.of(
          new Rail.NamedEndstop(probe, "probe")));
      double[] epos;
      try {
        epos = move.homingMove(pos, speed, true, true, true);
      } catch (CommandError e) {
        if (printer.isShutdown()) {
          throw new CommandError("Probing failed due to printer shutdown");
        }
        throw e;
      }
      if (checkMovement && move.checkNoMovement() != null) {
        throw new CommandError("Probe triggered prior to movement");
      }
      return epos;
    }
  }

  private static void cmdG28(Printer printer, GCodeCommand c) {
    List<Integer> axes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      if (c.has("XYZ".substring(i, i + 1))) {
        axes.add(i);
      }
    }
    if (axes.isEmpty()) {
      axes = List.of(0, 1, 2);
    }
    Homing h = new Homing(printer);
    h.setAxes(axes);
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    try {
      toolhead.kinematics().home(h);
    } catch (CommandError | org.escapement.host.mcu.McuException e) {
      if (printer.isShutdown()) {
        throw new CommandError("Homing failed due to printer shutdown");
      }
      StepperEnable.of(printer).motorOff();
      throw e instanceof CommandError ce ? ce : new CommandError(e.getMessage());
    }
  }
}
