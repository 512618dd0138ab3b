package org.escapement.host.probe;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.mcu.Endstop;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.McuEndstop;
import org.escapement.host.mcu.McuPwm;
import org.escapement.host.mcu.TriggerStepper;
import org.escapement.host.modules.PinSetup;
import org.escapement.host.motion.HomingProbe;
import org.escapement.host.motion.ProbeResult;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;
import org.escapement.host.reactor.Completion;
import org.escapement.host.reactor.Reactor;

/**
 * {@code [bltouch]}: a probe whose pin is deployed and stowed by servo-style pulses on
 * control_pin (one 20 ms period per command, the pulse width selecting the command), and
 * whose trigger is read on sensor_pin. Before deploying, it checks now and then that the
 * sensor answers (pin up + touch mode must read triggered); after probing, that the pin is up
 * (must read not triggered). BLTOUCH_DEBUG and BLTOUCH_STORE send commands by hand.
 */
public final class BltouchModule implements ProbeDevice, HomingProbe.Session, Endstop {
  private static final System.Logger LOG = System.getLogger("bltouch");
  static final double SIGNAL_PERIOD = 0.020;
  static final double MIN_CMD_TIME = 5 * SIGNAL_PERIOD;
  static final double TEST_TIME = 5 * 60.0;
  static final double RETRY_RESET_TIME = 1.0;
  static final double ENDSTOP_REST_TIME = 0.001;
  static final double ENDSTOP_SAMPLE_TIME = 0.000015;
  static final int ENDSTOP_SAMPLE_COUNT = 4;

  /** Pulse widths (seconds) of the BLTouch's commands. */
  static final Map<String, Double> COMMANDS = new TreeMap<>(Map.of(
      "pin_down", 0.000650, "touch_mode", 0.001165, "pin_up", 0.001475,
      "self_test", 0.001780, "reset", 0.002190, "set_5V_output_mode", 0.001988,
      "set_OD_output_mode", 0.002091, "output_mode_store", 0.001884));

  private enum Multi { OFF, FIRST, ON }

  private final Printer printer;
  private final boolean stowOnEachSample;
  private final boolean probeTouchMode;
  private final McuPwm control;
  private final McuEndstop sensor;
  private final String outputMode;
  private final boolean pinUpNotTriggered;
  private final boolean pinUpTouchTriggered;
  private final double pinMoveTime;
  private final DescendToEndstop descend;
  private double nextCmdTime;
  private double actionEndTime;
  private double nextTestTime;
  private Completion<Boolean> finishHomeComplete;
  private Completion<Boolean> waitTriggerComplete;
  private Multi multi = Multi.OFF;

  /** The [bltouch] section: the probe, also known as the printer object "probe". */
  public static ProbeModule create(Printer printer, ConfigSection section) {
    ProbeModule probe = new ProbeModule(printer, section, BltouchModule::new);
    printer.addObject("probe", probe);
    return probe;
  }

  private BltouchModule(Printer printer, ConfigSection section, double[] offsets,
      ProbeParams params) {
    this.printer = printer;
    stowOnEachSample = section.getBoolean("stow_on_each_sample", true);
    probeTouchMode = section.getBoolean("probe_with_touch_mode", false);
    control = PinSetup.pwm(printer, section, "control_pin");
    control.setupMaxDuration(0);
    control.setupCycleTime(SIGNAL_PERIOD, false);
    sensor = new McuEndstop(PinSetup.pin(printer, section, "sensor_pin", "endstop"),
        printer.reactor());
    printer.onEvent(Printer.Event.SHUTDOWN, sensor::shutdown);
    outputMode = section.has("set_output_mode")
        ? section.getChoice("set_output_mode", Map.of("5V", "5V", "OD", "OD"), null) : "";
    pinUpNotTriggered = section.getBoolean("pin_up_reports_not_triggered", true);
    pinUpTouchTriggered = section.getBoolean("pin_up_touch_mode_reports_triggered", true);
    pinMoveTime = section.getFloat("pin_move_time", 0.680, Bounds.above(0));
    descend = new DescendToEndstop(printer, section, this, offsets, params, true);
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.register("BLTOUCH_DEBUG", this::cmdDebug, false,
        "Send a command to the bltouch for debugging");
    gcode.register("BLTOUCH_STORE", this::cmdStore, false,
        "Store an output mode in the BLTouch EEPROM");
    printer.onEvent(Printer.Event.CONNECT, this::handleConnect);
  }

  private void handleConnect() {
    syncMcuPrintTime();
    nextCmdTime += 0.200;
    setOutputMode(outputMode);
    try {
      raiseProbe();
      verifyRaiseProbe();
    } catch (CommandError e) {
      LOG.log(System.Logger.Level.WARNING, "BLTouch raise probe error: " + e.getMessage());
    }
  }

  // ---- command timing ----

  private Toolhead toolhead() {
    return printer.lookupObject("toolhead", Toolhead.class);
  }

  /** Not before the MCU could receive it. */
  private void syncMcuPrintTime() {
    Mcu mcu = control.mcu();
    double est = mcu.estimatedPrintTime(mcu.reactorTime());
    nextCmdTime = Math.max(nextCmdTime, est + MIN_CMD_TIME);
  }

  /** Commands and moves in order: the toolhead waits for the last command, or vice versa. */
  private void syncPrintTime() {
    Toolhead toolhead = toolhead();
    double printTime = toolhead.lastMoveTime();
    if (nextCmdTime > printTime) {
      toolhead.dwell(nextCmdTime - printTime);
    } else {
      nextCmdTime = printTime;
    }
  }

  private void sendCmd(String cmd) {
    sendCmd(cmd, MIN_CMD_TIME);
  }

  /** The command's pulses for {@code duration} (whole signal periods), then the signal off. */
  private void sendCmd(String cmd, double duration) {
    Mcu mcu = control.mcu();
    // In ticks of the probe's MCU, so that a secondary MCU's clock skew cannot shorten it.
    long cmdClock = mcu.printTimeToClock(nextCmdTime);
    double pulse = (int) ((duration - MIN_CMD_TIME) / SIGNAL_PERIOD) * SIGNAL_PERIOD;
    cmdClock += mcu.secondsToClock(Math.max(MIN_CMD_TIME, pulse));
    double endTime = mcu.clockToPrintTime(cmdClock);
    control.setPwm(nextCmdTime, COMMANDS.get(cmd) / SIGNAL_PERIOD);
    control.setPwm(endTime, 0);
    actionEndTime = nextCmdTime + duration;
    nextCmdTime = Math.max(actionEndTime, endTime + MIN_CMD_TIME);
  }

  /** Does the sensor read {@code triggered} once the last action is over? */
  private boolean verifyState(boolean triggered) {
    sensor.homeStart(actionEndTime, ENDSTOP_SAMPLE_TIME, ENDSTOP_SAMPLE_COUNT,
        ENDSTOP_REST_TIME, triggered);
    double triggerTime;
    try {
      triggerTime = sensor.homeWait(actionEndTime + 0.100);
    } catch (CommandError e) {
      return false;
    }
    return triggerTime > 0;
  }

  // ---- pin up / down ----

  private void raiseProbe() {
    syncMcuPrintTime();
    if (!pinUpNotTriggered) {
      sendCmd("reset");
    }
    sendCmd("pin_up", pinMoveTime);
  }

  private void verifyRaiseProbe() {
    if (!pinUpNotTriggered) {
      return; // such a probe cannot tell us whether its pin is up
    }
    for (int retry = 0; retry < 3; retry++) {
      if (verifyState(false)) {
        break;
      }
      if (retry >= 2) {
        throw new CommandError("BLTouch failed to raise probe");
      }
      respondInfo("Failed to verify BLTouch probe is raised; retrying.");
      syncMcuPrintTime();
      sendCmd("reset", RETRY_RESET_TIME);
      sendCmd("pin_up", pinMoveTime);
    }
  }

  private void lowerProbe() {
    testSensor();
    syncPrintTime();
    sendCmd("pin_down", pinMoveTime);
    if (probeTouchMode) {
      sendCmd("touch_mode");
    }
  }

  /** Every TEST_TIME of printing: pin up in touch mode must read triggered (wiring check). */
  private void testSensor() {
    if (!pinUpTouchTriggered) {
      return;
    }
    double printTime = toolhead().lastMoveTime();
    if (printTime < nextTestTime) {
      nextTestTime = printTime + TEST_TIME;
      return;
    }
    syncPrintTime();
    for (int retry = 0; retry < 3; retry++) {
      sendCmd("pin_up", pinMoveTime);
      sendCmd("touch_mode");
      boolean success = verifyState(true);
      syncPrintTime();
      if (success) {
        nextTestTime = printTime + TEST_TIME;
        return;
      }
      String msg = "BLTouch failed to verify sensor state";
      if (retry >= 2) {
        throw new CommandError(msg);
      }
      respondInfo(msg + "; retrying.");
      sendCmd("reset", RETRY_RESET_TIME);
    }
  }

  private void respondInfo(String msg) {
    printer.lookupObject("gcode", GCodeDispatch.class).respondInfo(msg);
  }

  // ---- probe session ----

  @Override
  public HomingProbe.Session startProbeSession(GCodeCommand gcmd) {
    descend.pullTriggerPositions();
    if (!stowOnEachSample) {
      multi = Multi.FIRST;
    }
    return this;
  }

  private void probePrepare() {
    if (multi == Multi.OFF || multi == Multi.FIRST) {
      lowerProbe();
      if (multi == Multi.FIRST) {
        multi = Multi.ON;
      }
    }
    syncPrintTime();
  }

  private void probeFinish() {
    waitTriggerComplete.await(Reactor.NEVER);
    if (multi == Multi.OFF) {
      verifyRaiseProbe();
    }
    syncPrintTime();
  }

  @Override
  public void runProbe(GCodeCommand gcmd) {
    probePrepare();
    try {
      descend.descendUntilTrigger(gcmd);
    } catch (CommandError e) {
      probeFinish();
      throw e;
    }
    probeFinish();
  }

  @Override
  public List<ProbeResult> pullProbedResults() {
    return descend.pullTriggerPositions();
  }

  @Override
  public void endProbeSession() {
    descend.pullTriggerPositions();
    if (!stowOnEachSample) {
      syncPrintTime();
      raiseProbe();
      verifyRaiseProbe();
      syncPrintTime();
      multi = Multi.OFF;
    }
  }

  @Override
  public boolean query(double printTime) {
    return sensor.query(printTime);
  }

  // ---- the endstop of the probing move: the sensor, stowing the pin once triggered ----

  @Override
  public Mcu mcu() {
    return sensor.mcu();
  }

  @Override
  public void addStepper(TriggerStepper s) {
    sensor.addStepper(s);
  }

  @Override
  public List<TriggerStepper> steppers() {
    return sensor.steppers();
  }

  @Override
  public Completion<Boolean> homeStart(double printTime, double sampleTime, int sampleCount,
      double restTime, boolean triggered) {
    // The trigger is a short pulse: poll often enough not to miss it.
    Completion<Boolean> finish = sensor.homeStart(printTime, sampleTime, sampleCount,
        Math.min(restTime, ENDSTOP_REST_TIME), triggered);
    finishHomeComplete = finish;
    Completion<Boolean> waited = printer.reactor().completion();
    waitTriggerComplete = waited;
    // Stow as soon as the probe triggers, while the host still waits for the move's end.
    printer.reactor().spawn(() -> {
      try {
        finish.await(Reactor.NEVER);
        if (multi == Multi.OFF) {
          raiseProbe();
        }
      } finally {
        waited.complete(true);
      }
    });
    return finish;
  }

  @Override
  public double homeWait(double homeEndTime) {
    return sensor.homeWait(homeEndTime);
  }

  // ---- output mode and the debug commands ----

  private void setOutputMode(String mode) {
    // Pre-3.0 BLTouches and clones ignore these; 3.0 and 3.1 switch their output.
    if (mode.isEmpty()) {
      return;
    }
    LOG.log(System.Logger.Level.INFO, "BLTouch set output mode: " + mode);
    syncMcuPrintTime();
    sendCmd(mode.equals("5V") ? "set_5V_output_mode" : "set_OD_output_mode");
  }

  private void storeOutputMode(String mode) {
    // A 3.1 stores the mode in its EEPROM; a 3.0 only sets it (twice) and needs the pin-up
    // after the pin-down the sequence starts with.
    LOG.log(System.Logger.Level.INFO, "BLTouch store output mode: " + mode);
    String set = mode.equals("5V") ? "set_5V_output_mode" : "set_OD_output_mode";
    syncPrintTime();
    sendCmd("pin_down");
    sendCmd(set);
    sendCmd("output_mode_store");
    sendCmd(set);
    sendCmd("pin_up");
  }

  private void cmdDebug(GCodeCommand c) {
    String cmd = c.get("COMMAND", null);
    if (cmd == null || !COMMANDS.containsKey(cmd)) {
      c.respondInfo("BLTouch commands: " + String.join(", ", COMMANDS.keySet()));
      return;
    }
    c.respondInfo("Sending BLTOUCH_DEBUG COMMAND=" + cmd);
    syncPrintTime();
    sendCmd(cmd, pinMoveTime);
    syncPrintTime();
  }

  private void cmdStore(GCodeCommand c) {
    String mode = c.get("MODE", null);
    if (mode == null || !(mode.equals("5V") || mode.equals("OD"))) {
      c.respondInfo("BLTouch output modes: 5V, OD");
      return;
    }
    c.respondInfo("Storing BLTouch output mode: " + mode);
    syncPrintTime();
    storeOutputMode(mode);
    syncPrintTime();
  }
}
