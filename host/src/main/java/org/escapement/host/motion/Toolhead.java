package org.escapement.host.motion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleConsumer;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.log.KlippyLog;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.modules.McuModule;
import org.escapement.host.motion.kinematics.Kinematics;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatsSource;
import org.escapement.host.printer.StatusProvider;
import org.escapement.host.reactor.Reactor;

/**
 * The print head: where it is, where it has been told to go, and when. Moves queue in the
 * lookahead, get planned, and land in the trapq at increasing print times, kept about one
 * second ahead of the MCUs. When the queue runs dry the head "re-primes": the next moves
 * start a little in the future so the MCUs receive them in time.
 *
 * <p>States: main (moving; steps are generated in the background), NeedPrime (idle), Priming
 * (moves arriving after idle; they are planned when enough are queued or shortly after).
 */
public final class Toolhead implements StatusProvider, StatsSource, Homing.Mover {
  static final double BUFFER_TIME_HIGH = 1.0;
  static final double BUFFER_TIME_START = 0.250;
  static final double PRIMING_CMD_TIME = 0.100;

  private enum QueueState { MAIN, NEED_PRIME, PRIMING }

  private final Printer printer;
  private final Reactor reactor;
  // Margins that cover host latency, longer on a sped-up simulated printer (see
  // Reactor.latencyScale); the constants are those of a real printer.
  private final double bufferTimeHigh, bufferTimeStart;
  private final Mcu mcu;
  private final LookAheadQueue lookahead = new LookAheadQueue();
  double[] commandedPos = new double[4];
  double maxVelocity;
  double maxAccel;
  double minCruiseRatio;
  double squareCornerVelocity;
  double junctionDeviation;
  double mcrPseudoAccel;
  private double checkStallTime;
  private int printStall;
  private boolean canPause;
  private double needCheckPause = -1;
  private double printTime;
  private QueueState state = QueueState.NEED_PRIME;
  private Reactor.Timer primingTimer;
  private final MotionQueuing motionQueuing;
  private final Trapq trapq;
  final List<ExtraAxis> extraAxes = new ArrayList<>();
  private final List<PathListener> pathListeners = new ArrayList<>();

  /** Hears of the path the head is commanded along, with the print times of each piece. */
  @FunctionalInterface
  public interface PathListener {
    /**
     * A straight piece from {@code from} to {@code to} (X, Y, Z) between two print times;
     * {@code extruding} when filament is pushed along it; {@code known} when every axis was
     * homed (before that, and for the homing moves themselves, positions are only assumed).
     */
    void segment(double startTime, double endTime, double[] from, double[] to,
        boolean extruding, boolean known);
  }
  private final Kinematics kin;

  /** The motion queuing part, created with the first user (steppers come before the head). */
  public static MotionQueuing motionQueuing(Printer printer) {
    MotionQueuing mq = printer.lookupObjectOrNull("motion_queuing", MotionQueuing.class);
    if (mq == null) {
      Mcu main = printer.lookupObject("mcu", McuModule.class).mcu();
      mq = new MotionQueuing(printer, main);
      printer.addObject("motion_queuing", mq);
    }
    return mq;
  }

  public Toolhead(Printer printer, ConfigSection section) {
    this.printer = printer;
    this.reactor = printer.reactor();
    double latency = reactor.latencyScale();
    bufferTimeHigh = BUFFER_TIME_HIGH * latency;
    bufferTimeStart = BUFFER_TIME_START * latency;
    this.mcu = printer.lookupObject("mcu", McuModule.class).mcu();
    lookahead.setFlushTime(bufferTimeHigh);
    maxVelocity = section.getFloat("max_velocity", null, Bounds.above(0));
    maxAccel = section.getFloat("max_accel", null, Bounds.above(0));
    minCruiseRatio = section.getFloat("minimum_cruise_ratio", 0.5,
        Bounds.min(0).andBelow(1));
    squareCornerVelocity = section.getFloat("square_corner_velocity", 5.0, Bounds.min(0));
    calcJunctionDeviation();
    canPause = !mcu.isBatch();
    motionQueuing = motionQueuing(printer);
    motionQueuing.registerFlushCallback(this::handleStepFlush, true);
    trapq = motionQueuing.allocateTrapq();
    extraAxes.add(ExtraAxis.NONE);
    printer.addObject("toolhead", this);
    String kinName = section.get("kinematics");
    kin = Kinematics.create(kinName, this, section);
    printer.onEvent(Printer.Event.SHUTDOWN, () -> {
      canPause = false;
      lookahead.reset();
    });
    registerCommands(printer.lookupObject("gcode", GCodeDispatch.class));
  }

  public Printer printer() {
    return printer;
  }

  public Kinematics kinematics() {
    return kin;
  }

  public Trapq trapq() {
    return trapq;
  }

  public MotionQueuing motion() {
    return motionQueuing;
  }

  public Mcu mainMcu() {
    return mcu;
  }

  // ---- print time ----

  private void advanceMoveTime(double nextPrintTime) {
    printTime = Math.max(printTime, nextPrintTime);
  }

  /** After idle: new motion starts far enough ahead of the MCU to arrive in time. */
  private void calcPrintTime() {
    double now = reactor.monotonic();
    double est = mcu.estimatedPrintTime(now);
    double kinTime = motionQueuing.calcStepGenRestart(est);
    double min = Math.max(est + bufferTimeStart, kinTime);
    if (min > printTime) {
      printTime = min;
      printer.sendEvent("toolhead:sync_print_time", new double[] {now, est, printTime});
    }
  }

  private void processLookahead(boolean lazy) {
    List<Move> moves = lookahead.flush(lazy);
    if (moves.isEmpty()) {
      return;
    }
    if (state != QueueState.MAIN) {
      state = QueueState.MAIN;
      needCheckPause = -1;
      calcPrintTime();
    }
    double next = printTime;
    for (Move move : moves) {
      if (move.isKinematicMove) {
        trapq.append(next, move.accelT, move.cruiseT, move.decelT, move.startPos[0],
            move.startPos[1], move.startPos[2], move.axesR[0], move.axesR[1], move.axesR[2],
            move.startV, move.cruiseV, move.accel);
      }
      for (int i = 0; i < extraAxes.size(); i++) {
        if (move.axesD[i + 3] != 0) {
          extraAxes.get(i).processMove(next, move, i + 3);
        }
      }
      // Summed left to right, as the trapq adds up its pieces: the end of the last piece and
      // the time noted for step generation must be the very same number.
      next = next + move.accelT + move.cruiseT + move.decelT;
      for (DoubleConsumer cb : move.timingCallbacks) {
        cb.accept(next);
      }
    }
    advanceMoveTime(next);
    motionQueuing.noteMcuMovequeueActivity(next, true);
  }

  private void flushLookahead(boolean isRunout) {
    double prev = printTime;
    processLookahead(false);
    state = QueueState.NEED_PRIME;
    needCheckPause = -1;
    lookahead.setFlushTime(bufferTimeHigh);
    checkStallTime = 0;
    if (isRunout && prev != printTime) {
      checkStallTime = printTime;
    }
  }

  /** Steps are about to be generated up to {@code stepGenTime}: plan moves if we run low. */
  private void handleStepFlush(double flushTime, double stepGenTime) {
    if (state != QueueState.MAIN) {
      return;
    }
    if (stepGenTime >= printTime - motionQueuing.kinFlushDelay() - 0.001) {
      flushLookahead(true);
    }
  }

  /** Plans everything queued and sends all steps. */
  @Override
  public void flushStepGeneration() {
    flushLookahead(false);
    motionQueuing.flushAllSteps();
  }

  /** The print time at the end of everything queued (planning it now). */
  @Override
  public double lastMoveTime() {
    if (state != QueueState.MAIN) {
      flushLookahead(false);
      calcPrintTime();
    } else {
      processLookahead(false);
    }
    return printTime;
  }

  private double primingHandler(double eventtime) {
    reactor.unregisterTimer(primingTimer);
    primingTimer = null;
    try {
      if (state == QueueState.PRIMING) {
        flushLookahead(true);
      }
    } catch (RuntimeException e) {
      System.getLogger("toolhead").log(System.Logger.Level.ERROR,
          "Exception in priming_handler", e);
      printer.invokeShutdown("Exception in priming_handler");
    }
    return Reactor.NEVER;
  }

  private void checkPrimingState(double eventtime) {
    if (lookahead.isEmpty()) {
      return; // idle, and may stay so
    }
    double est = mcu.estimatedPrintTime(eventtime);
    if (checkStallTime != 0) {
      // The queue ran dry while moving: count it when the MCU caught up with us.
      if (est < checkStallTime) {
        printStall++;
      }
      checkStallTime = 0;
    }
    state = QueueState.PRIMING;
    needCheckPause = -1;
    if (primingTimer == null) {
      primingTimer = reactor.registerTimer(this::primingHandler, Reactor.NEVER);
    }
    double willPause = printTime - est - bufferTimeHigh;
    reactor.updateTimer(primingTimer, eventtime + Math.max(0, willPause) + PRIMING_CMD_TIME);
  }

  /** Holds G-code back while more than a second of motion is queued. */
  private void checkPause() {
    double eventtime = reactor.monotonic();
    if (state != QueueState.MAIN) {
      checkPrimingState(eventtime);
    }
    boolean didPause = false;
    while (true) {
      double est = mcu.estimatedPrintTime(eventtime);
      double pauseTime = printTime - est - bufferTimeHigh;
      if (pauseTime <= 0) {
        break;
      }
      if (!canPause) {
        needCheckPause = Reactor.NEVER;
        return;
      }
      eventtime = reactor.pause(eventtime + Math.max(0.005, Math.min(1.0, pauseTime)));
      didPause = true;
    }
    if (state == QueueState.MAIN) {
      needCheckPause = printTime;
      if (!didPause) {
        reactor.pause(Reactor.NOW); // keep other work (timers, flushing) going
      }
    }
  }

  // ---- moves ----

  @Override
  public double[] position() {
    return commandedPos.clone();
  }

  @Override
  public List<Stepper> steppers() {
    return kin.steppers();
  }

  @Override
  public double[] calcPosition(Map<String, Double> stepperPositions) {
    return kin.calcPosition(stepperPositions);
  }

  /** Jumps to a position without moving (after homing, G92 on the kinematics). */
  public void setPosition(double[] newPos, String homingAxes) {
    flushStepGeneration();
    trapq.setPosition(printTime, newPos[0], newPos[1], newPos[2]);
    System.arraycopy(newPos, 0, commandedPos, 0, 3);
    kin.setPosition(newPos, homingAxes);
    printer.sendEvent("toolhead:set_position", null);
  }

  @Override
  public void setPosition(double[] newPos) {
    setPosition(newPos, "");
  }

  public void limitNextJunctionSpeed(double speed) {
    Move last = lookahead.last();
    if (last != null) {
      last.limitNextJunctionSpeed(speed);
    }
  }

  /** Queues a move to {@code newPos} (all axes, including the extruder) at {@code speed}. */
  public void move(double[] newPos, double speed) {
    Move move = new Move(this, commandedPos, newPos, speed);
    if (move.moveD == 0) {
      return;
    }
    if (move.isKinematicMove) {
      kin.checkMove(move);
    }
    for (int i = 0; i < extraAxes.size(); i++) {
      if (move.axesD[i + 3] != 0) {
        extraAxes.get(i).checkMove(move, i + 3);
      }
    }
    System.arraycopy(move.endPos, 0, commandedPos, 0, commandedPos.length);
    if (!pathListeners.isEmpty() && move.isKinematicMove) {
      double[] from = {move.startPos[0], move.startPos[1], move.startPos[2]};
      double[] to = {move.endPos[0], move.endPos[1], move.endPos[2]};
      boolean extruding = move.axesD.length > 3 && move.axesD[3] > 0;
      boolean known = kin.homedAxes().length() == 3;
      move.addTimingCallback(end -> {
        for (PathListener l : pathListeners) {
          l.segment(end - move.totalTime(), end, from, to, extruding, known);
        }
      });
    }
    if (lookahead.add(move)) {
      processLookahead(true);
    }
    if (printTime > needCheckPause) {
      checkPause();
    }
  }

  /** Hears of every commanded piece of path (recording, progress); called on the reactor. */
  public void addPathListener(PathListener listener) {
    pathListeners.add(listener);
  }

  /** A move where only the given axes change (null = stay). */
  public void manualMove(Double[] coord, double speed) {
    double[] pos = commandedPos.clone();
    for (int i = 0; i < coord.length; i++) {
      if (coord[i] != null) {
        pos[i] = coord[i];
      }
    }
    move(pos, speed);
    printer.sendEvent("toolhead:manual_move", null);
  }

  /** Waits {@code seconds} of print time after the queued moves. */
  @Override
  public void dwell(double seconds) {
    flushLookahead(false);
    advanceMoveTime(lastMoveTime() + Math.max(0, seconds));
    checkPause();
  }

  /** Waits until the MCUs have executed every queued move. */
  public void waitMoves() {
    flushLookahead(false);
    double eventtime = reactor.monotonic();
    while (state == QueueState.MAIN || printTime >= mcu.estimatedPrintTime(eventtime)) {
      if (!canPause) {
        break;
      }
      eventtime = reactor.pause(eventtime + 0.100);
    }
  }

  /** True when nothing is queued ahead of the MCU (for idle detection). */
  public boolean isIdle(double eventtime) {
    return lookahead.isEmpty() && printTime < mcu.estimatedPrintTime(eventtime);
  }

  // ---- extra axes ----

  public ExtraAxis extruder() {
    return extraAxes.get(0);
  }

  /** Makes {@code e} the active extruder, at filament position {@code pos}. */
  public void setExtruder(ExtraAxis e, double pos) {
    extraAxes.set(0, e);
    commandedPos[3] = pos;
  }

  public void addExtraAxis(ExtraAxis axis, double pos) {
    flushLookahead(false);
    extraAxes.add(axis);
    double[] p = new double[commandedPos.length + 1];
    System.arraycopy(commandedPos, 0, p, 0, commandedPos.length);
    p[commandedPos.length] = pos;
    commandedPos = p;
    printer.sendEvent("toolhead:update_extra_axes", null);
  }

  public void removeExtraAxis(ExtraAxis axis) {
    flushLookahead(false);
    int i = extraAxes.indexOf(axis);
    if (i < 0) {
      return;
    }
    extraAxes.remove(i);
    double[] p = new double[commandedPos.length - 1];
    for (int j = 0, k = 0; j < commandedPos.length; j++) {
      if (j != i + 3) {
        p[k++] = commandedPos[j];
      }
    }
    commandedPos = p;
    printer.sendEvent("toolhead:update_extra_axes", null);
  }

  /** Extra axes in axis order (index 3 = the active extruder). */
  public List<ExtraAxis> extraAxes() {
    return List.copyOf(extraAxes);
  }

  // ---- homing drip moves ----

  private double[] dripLoadTrapq(Move submit) {
    if (submit.moveD != 0) {
      System.arraycopy(submit.endPos, 0, commandedPos, 0, commandedPos.length);
      lookahead.add(submit);
    }
    List<Move> moves = lookahead.flush(false);
    calcPrintTime();
    double start = printTime;
    double end = printTime;
    for (Move move : moves) {
      trapq.append(end, move.accelT, move.cruiseT, move.decelT, move.startPos[0],
          move.startPos[1], move.startPos[2], move.axesR[0], move.axesR[1], move.axesR[2],
          move.startV, move.cruiseV, move.accel);
      end += move.accelT + move.cruiseT + move.decelT;
    }
    lookahead.reset();
    return new double[] {start, end};
  }

  /**
   * A homing or probing move: sent a little at a time so {@code stop} (an endstop trigger)
   * can cut it short.
   */
  @Override
  public void dripMove(double[] newPos, double speed,
      org.escapement.host.reactor.Completion<?> stop) {
    double[] pos = commandedPos.clone();
    System.arraycopy(newPos, 0, pos, 0, 3);
    Move move = new Move(this, commandedPos, pos, speed);
    if (move.moveD != 0) {
      kin.checkMove(move);
    }
    dwell(motionQueuing.kinFlushDelay()); // steps may not start before the move's start
    processLookahead(false);
    double[] from = {commandedPos[0], commandedPos[1], commandedPos[2]};
    double[] span = dripLoadTrapq(move);
    double sentUntil = motionQueuing.dripUpdateTime(span[0], span[1], stop);
    if (move.moveD != 0) {
      double[] to = {pos[0], pos[1], pos[2]};
      for (PathListener l : pathListeners) {
        l.segment(span[0], sentUntil, from, to, false, false);
      }
    }
    motionQueuing.wipeTrapq(trapq);
  }

  // ---- lookahead callbacks, limits ----

  /**
   * Runs {@code cb} with the print time at which the moves queued so far end (once they are
   * planned): outputs changed "between moves" use it (fans, output pins, pressure advance).
   */
  public void registerLookaheadCallback(DoubleConsumer cb) {
    Move last = lookahead.last();
    if (last == null) {
      cb.accept(lastMoveTime());
      return;
    }
    last.timingCallbacks.add(cb);
  }

  public double maxVelocity() {
    return maxVelocity;
  }

  public double maxAccel() {
    return maxAccel;
  }

  private void calcJunctionDeviation() {
    double scv2 = squareCornerVelocity * squareCornerVelocity;
    junctionDeviation = scv2 * (Math.sqrt(2.0) - 1.0) / maxAccel;
    mcrPseudoAccel = maxAccel * (1.0 - minCruiseRatio);
  }

  /** Changes limits (null keeps one). */
  public void setMaxVelocities(Double velocity, Double accel, Double scv, Double mcr) {
    if (velocity != null) {
      maxVelocity = velocity;
    }
    if (accel != null) {
      maxAccel = accel;
    }
    if (scv != null) {
      squareCornerVelocity = scv;
    }
    if (mcr != null) {
      minCruiseRatio = mcr;
    }
    calcJunctionDeviation();
  }

  // ---- G-code ----

  private void registerCommands(GCodeDispatch gcode) {
    gcode.register("G4", c -> dwell(c.getFloat("P", 0.0, Bounds.min(0)) / 1000.0), false, null);
    gcode.register("M400", c -> waitMoves(), false, null);
    gcode.register("SET_VELOCITY_LIMIT", this::cmdSetVelocityLimit, false,
        "Set printer velocity limits");
    gcode.register("M204", this::cmdM204, false, null);
  }

  private void cmdSetVelocityLimit(GCodeCommand c) {
    Double v = c.getFloatOrNull("VELOCITY", Bounds.above(0));
    Double a = c.getFloatOrNull("ACCEL", Bounds.above(0));
    Double scv = c.getFloatOrNull("SQUARE_CORNER_VELOCITY", Bounds.min(0));
    Double mcr = c.getFloatOrNull("MINIMUM_CRUISE_RATIO", Bounds.min(0).andBelow(1));
    setMaxVelocities(v, a, scv, mcr);
    String msg = String.format(Locale.ROOT, "max_velocity: %.6f\nmax_accel: %.6f\n"
        + "minimum_cruise_ratio: %.6f\nsquare_corner_velocity: %.6f", maxVelocity, maxAccel,
        minCruiseRatio, squareCornerVelocity);
    KlippyLog log = KlippyLog.current();
    if (log != null) {
      log.setRolloverInfo("toolhead", "toolhead: " + msg, true);
    }
    if (v == null && a == null && scv == null && mcr == null) {
      c.respondInfo(msg);
    }
  }

  private void cmdM204(GCodeCommand c) {
    Double accel = c.getFloatOrNull("S", Bounds.above(0));
    if (accel == null) {
      Double p = c.getFloatOrNull("P", Bounds.above(0));
      Double t = c.getFloatOrNull("T", Bounds.above(0));
      if (p == null || t == null) {
        c.respondInfo("Invalid M204 command \"" + c.commandLine() + "\"");
        return;
      }
      accel = Math.min(p, t);
    }
    setMaxVelocities(null, accel, null, null);
  }

  // ---- status ----

  @Override
  public Stats stats(double eventtime) {
    double est = mcu.estimatedPrintTime(eventtime);
    double bufferTime = printTime - est;
    boolean active = bufferTime > -60 || state == QueueState.MAIN;
    return new Stats(active, String.format(Locale.ROOT,
        "print_time=%.3f buffer_time=%.3f print_stall=%d", printTime, Math.max(bufferTime, 0),
        printStall));
  }

  /** (print time, estimated MCU print time, lookahead empty) for idle checks. */
  public double[] checkBusy(double eventtime) {
    return new double[] {printTime, mcu.estimatedPrintTime(eventtime),
        lookahead.isEmpty() ? 1 : 0};
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>(kin.status(eventtime));
    s.put("print_time", printTime);
    s.put("stalls", printStall);
    s.put("estimated_print_time", mcu.estimatedPrintTime(eventtime));
    s.put("extruder", extruder().name());
    s.put("position", coordList(commandedPos));
    s.put("max_velocity", maxVelocity);
    s.put("max_accel", maxAccel);
    s.put("minimum_cruise_ratio", minCruiseRatio);
    s.put("square_corner_velocity", squareCornerVelocity);
    Map<String, Object> extra = new LinkedHashMap<>();
    for (int i = 0; i < extraAxes.size(); i++) {
      if (!extraAxes.get(i).name().isEmpty()) {
        extra.put(extraAxes.get(i).name(), i + 3);
      }
    }
    s.put("extra_axes", extra);
    return s;
  }

  /** A position as macros see it: a list that also answers {@code .x .y .z .e}. */
  public static Coord coordList(double[] p) {
    return new Coord(p);
  }

  public double printTime() {
    return printTime;
  }

}
