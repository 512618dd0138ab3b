package org.escapement.host.tmc;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.motion.ForceMove;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.StepperEnable;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;
import org.escapement.host.reactor.Reactor;

/**
 * What every Trinamic driver section shares: microsteps and interpolation from the stepper's
 * section, the register writes on connect and on enable, the periodic DRV_STATUS / GSTAT check,
 * the G-code commands (SET_TMC_CURRENT, SET_TMC_FIELD, INIT_TMC, DUMP_TMC) and the status
 * object. The driver module (TMC2209 ...) supplies register tables, transport and current.
 */
public final class TmcDriver implements StatusProvider {
  private static final System.Logger LOG = System.getLogger("tmc");
  /** DRV_STATUS flags that stop the printer, and those only logged. */
  private static final List<String> ERROR_FIELDS = List.of("ot", "s2ga", "s2gb", "s2vsa",
      "s2vsb");
  private static final List<String> WARN_FIELDS = List.of("otpw", "t120", "t143", "t150",
      "t157");

  private final Printer printer;
  private final String kind;
  private final String stepperName;
  private final String name;
  private final TmcTransport transport;
  private final TmcFields fields;
  private final TmcCurrent current;
  private final ErrorCheck check;
  private Stepper stepper;
  private Long savedToff;
  private List<String> readRegisters = List.of();
  private BiFunction<String, Long, String> readTranslate = (reg, val) -> reg;
  /** Enable and disable work, one at a time and in order (each may wait for the MCU). */
  private final ArrayDeque<Runnable> enableWork = new ArrayDeque<>();
  private boolean enableWorkRunning;

  /**
   * @param section {@code [tmc2209 stepper_x]}: its kind, then the stepper it drives
   */
  public TmcDriver(Printer printer, ConfigSection section, TmcTransport transport,
      TmcCurrent current) {
    this.printer = printer;
    String[] parts = section.name().strip().split("\\s+");
    this.kind = parts[0];
    this.stepperName = String.join(" ", java.util.Arrays.copyOfRange(parts, 1, parts.length));
    this.name = parts[parts.length - 1];
    this.transport = transport;
    this.fields = transport.fields();
    this.current = current;
    StepperEnable.of(printer);
    this.check = new ErrorCheck();
    microsteps(section);
    printer.onEvent(Printer.Event.MCU_IDENTIFY, this::handleMcuIdentify);
    printer.onEvent(Printer.Event.CONNECT, this::handleConnect);
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.registerMux("SET_TMC_FIELD", "STEPPER", name, this::cmdSetTmcField,
        "Set a register field of a TMC driver");
    gcode.registerMux("INIT_TMC", "STEPPER", name, this::cmdInitTmc,
        "Initialize TMC stepper driver registers");
    gcode.registerMux("SET_TMC_CURRENT", "STEPPER", name, this::cmdSetTmcCurrent,
        "Set the current of a TMC driver");
  }

  public TmcFields fields() {
    return fields;
  }

  /** The registers DUMP_TMC reads from the driver (the others it shows as last written). */
  public void setupRegisterDump(List<String> readable,
      BiFunction<String, Long, String> translate) {
    this.readRegisters = readable;
    if (translate != null) {
      this.readTranslate = translate;
    }
    printer.lookupObject("gcode", GCodeDispatch.class).registerMux("DUMP_TMC", "STEPPER", name,
        this::cmdDumpTmc, "Read and display TMC stepper driver registers");
  }

  /** MRES from the stepper's {@code microsteps} (256 >> MRES), INTPOL from interpolate. */
  private void microsteps(ConfigSection section) {
    if (!section.config().hasSection(stepperName)) {
      throw new ConfigError("Could not find config section '[" + stepperName
          + "]' required by tmc driver");
    }
    ConfigSection stepperSection = section.config().section(stepperName);
    Map<String, Integer> steps = new LinkedHashMap<>();
    for (int mres = 0; mres <= 8; mres++) {
      steps.put(Integer.toString(256 >> mres), mres);
    }
    fields.setField("mres", stepperSection.getChoice("microsteps", steps, null));
    fields.setField("intpol", section.getBoolean("interpolate", true));
  }

  // ---- config helpers the driver modules call, in Klipper's order ----

  /**
   * TSTEP (the driver's clocks between 1/256 microsteps) at {@code velocity} mm/s: thresholds
   * compare against it, so a higher speed is a lower value. 0 or less means "never": 0xfffff.
   */
  static long tstep(TmcTransport transport, double velocity, double stepDist) {
    if (velocity <= 0) {
      return 0xfffff;
    }
    long mres = transport.fields().getField("mres");
    double stepDist256 = stepDist / (1L << mres);
    long threshold = (long) (transport.tmcFrequency() * stepDist256 / velocity + 0.5);
    return Math.max(0, Math.min(0xfffff, threshold));
  }

  static double stepDistFromConfig(ConfigSection section) {
    String[] parts = section.name().strip().split("\\s+");
    String stepperName = String.join(" ", java.util.Arrays.copyOfRange(parts, 1, parts.length));
    double[] d = Stepper.parseStepDistance(section.config().section(stepperName), false);
    return d[0] / d[1];
  }

  /** {@code stealthchop_threshold}: StealthChop below this speed, SpreadCycle above. */
  static void stealthchop(ConfigSection section, TmcTransport transport) {
    TmcFields f = transport.fields();
    Double velocity = section.getFloatOrNull("stealthchop_threshold", Bounds.min(0));
    long tpwmthrs = 0xfffff;
    boolean enPwmMode = false;
    if (velocity != null) {
      enPwmMode = true;
      tpwmthrs = tstep(transport, velocity, stepDistFromConfig(section));
    }
    f.setField("tpwmthrs", tpwmthrs);
    if (f.lookupRegister("en_pwm_mode") != null) {
      f.setField("en_pwm_mode", enPwmMode);
    } else {
      f.setField("en_spreadcycle", !enPwmMode); // TMC2208/2209: the bit has the other sense
    }
  }

  /** {@code coolstep_threshold}: CoolStep and StallGuard only above this speed. */
  static void coolstepThreshold(ConfigSection section, TmcTransport transport) {
    Double velocity = section.getFloatOrNull("coolstep_threshold", Bounds.min(0));
    long v = velocity == null ? 0 : tstep(transport, velocity, stepDistFromConfig(section));
    transport.fields().setField("tcoolthrs", v);
  }

  /** {@code high_velocity_threshold}: full steps / high-velocity chopper above this speed. */
  static void highVelocityThreshold(ConfigSection section, TmcTransport transport) {
    Double velocity = section.getFloatOrNull("high_velocity_threshold", Bounds.min(0));
    long v = velocity == null ? 0 : tstep(transport, velocity, stepDistFromConfig(section));
    transport.fields().setField("thigh", v);
  }

  /** The microstep wave table, the datasheet's default sine unless the config says otherwise. */
  static void waveTable(ConfigSection section, TmcFields f) {
    long[] mslut = {0xAAAAB554L, 0x4A9554AAL, 0x24492929L, 0x10104222L, 0xFBFFFFFFL,
        0xB5BB777DL, 0x49295556L, 0x00404222L};
    for (int i = 0; i < mslut.length; i++) {
      f.setConfigField(section, "mslut" + i, mslut[i]);
    }
    f.setConfigField(section, "w0", 2);
    f.setConfigField(section, "w1", 1);
    f.setConfigField(section, "w2", 1);
    f.setConfigField(section, "w3", 1);
    f.setConfigField(section, "x1", 128);
    f.setConfigField(section, "x2", 255);
    f.setConfigField(section, "x3", 255);
    f.setConfigField(section, "start_sin", 0);
    f.setConfigField(section, "start_sin90", 247);
  }

  /**
   * The diag pin options for sensorless homing are read (so a config naming them loads);
   * homing on the virtual endstop is not supported yet.
   */
  static void readDiagPins(ConfigSection section, TmcFields f) {
    if (f.lookupRegister("diag0_stall") != null) {
      if (section.get("diag0_pin", null) == null) {
        section.get("diag1_pin", null);
      }
    } else {
      section.get("diag_pin", null);
    }
  }

  // ---- startup ----

  private void handleMcuIdentify() {
    stepper = ForceMove.of(printer).lookupStepper(stepperName);
    // Trinamic drivers take 100 ns step pulses and can step on both edges (DEDGE)
    stepper.setupDefaultPulseDuration(0.000000100, true);
  }

  private void handleConnect() {
    if (stepper.stepBothEdge()) {
      fields.setField("dedge", 1);
    }
    StepperEnable.Tracking enable = StepperEnable.of(printer).lookupEnable(stepperName);
    enable.registerStateCallback(this::handleStepperEnable);
    if (!enable.hasDedicatedEnable()) {
      // No enable pin of its own: the driver is switched off over its bus (toff 0) instead.
      savedToff = fields.getField("toff");
      fields.setField("toff", 0);
      LOG.log(System.Logger.Level.INFO, "Enabling TMC virtual enable for '" + stepperName + "'");
    }
    try {
      initRegisters(null);
    } catch (CommandError e) {
      LOG.log(System.Logger.Level.INFO, "TMC " + name + " failed to init: " + e.getMessage());
    }
  }

  private void initRegisters(Double printTime) {
    for (String reg : List.copyOf(fields.registers().keySet())) {
      transport.setRegister(reg, fields.registers().get(reg), printTime);
    }
  }

  // ---- enable / disable ----

  private void handleStepperEnable(double printTime, boolean enabled) {
    enableWork.add(() -> {
      try {
        if (enabled) {
          doEnable();
        } else {
          doDisable(printTime);
        }
      } catch (CommandError e) {
        printer.invokeShutdown(e.getMessage());
      }
    });
    if (!enableWorkRunning) {
      enableWorkRunning = true;
      printer.reactor().spawn(() -> {
        try {
          while (!enableWork.isEmpty()) {
            enableWork.poll().run();
          }
        } finally {
          enableWorkRunning = false;
        }
      });
    }
  }

  private void doEnable() {
    if (savedToff != null) {
      fields.setField("toff", savedToff);
    }
    initRegisters(null);
    check.start();
  }

  private void doDisable(double printTime) {
    if (savedToff != null) {
      long v = fields.setField("toff", 0);
      transport.setRegister(fields.lookupRegister("toff"), v, printTime);
    }
    check.stop();
  }

  // ---- G-code ----

  private double lastMoveTime() {
    return printer.lookupObject("toolhead", Toolhead.class).lastMoveTime();
  }

  private void cmdInitTmc(GCodeCommand c) {
    LOG.log(System.Logger.Level.INFO, "INIT_TMC " + name);
    initRegisters(lastMoveTime());
  }

  private void cmdSetTmcField(GCodeCommand c) {
    String field = c.get("FIELD").toLowerCase(Locale.ROOT);
    String reg = fields.lookupRegister(field);
    if (reg == null) {
      throw c.error("Unknown field name '" + field + "'");
    }
    Long value = null;
    if (c.has("VALUE")) {
      try {
        value = Long.parseLong(c.get("VALUE").strip().replace("_", ""));
      } catch (NumberFormatException e) {
        throw c.error("Error on '" + c.commandLine() + "': unable to parse " + c.get("VALUE"));
      }
    }
    Double velocity = c.getFloatOrNull("VELOCITY", Bounds.min(0));
    if ((value == null) == (velocity == null)) {
      throw c.error("Specify either VALUE or VELOCITY");
    }
    if (velocity != null) {
      if (transport.tmcFrequency() == null) {
        throw c.error("VELOCITY parameter not supported by this driver");
      }
      value = tstep(transport, velocity, stepper.stepDist());
    }
    long regValue = fields.setField(field, value);
    transport.setRegister(reg, regValue, lastMoveTime());
  }

  private void cmdSetTmcCurrent(GCodeCommand c) {
    TmcCurrent.Currents cur = current.get();
    Double run = c.getFloatOrNull("CURRENT", Bounds.range(0, cur.max()));
    Double hold = c.getFloatOrNull("HOLDCURRENT", Bounds.above(0).andMax(cur.max()));
    if (run != null || hold != null) {
      double r = run != null ? run : cur.run();
      double h = hold != null ? hold : cur.requestedHold();
      current.set(r, h, lastMoveTime());
      cur = current.get();
    }
    if (cur.hold() == null) {
      c.respondInfo(String.format(Locale.ROOT, "Run Current: %.2fA", cur.run()));
    } else {
      c.respondInfo(String.format(Locale.ROOT, "Run Current: %.2fA Hold Current: %.2fA",
          cur.run(), cur.hold()));
    }
  }

  private void cmdDumpTmc(GCodeCommand c) {
    LOG.log(System.Logger.Level.INFO, "DUMP_TMC " + name);
    String reg = c.get("REGISTER", null);
    if (reg != null) {
      reg = reg.toUpperCase(Locale.ROOT);
      Long written = fields.register(reg);
      if (written != null && !readRegisters.contains(reg)) {
        c.respondInfo(fields.prettyFormat(reg, written)); // write-only: what was last written
      } else if (readRegisters.contains(reg)) {
        long v = transport.getRegister(reg);
        c.respondInfo(fields.prettyFormat(readTranslate.apply(reg, v), v));
      } else {
        throw c.error("Unknown register name '" + reg + "'");
      }
      return;
    }
    c.respondInfo("========== Write-only registers ==========");
    for (Map.Entry<String, Long> e : fields.registers().entrySet()) {
      if (!readRegisters.contains(e.getKey())) {
        c.respondInfo(fields.prettyFormat(e.getKey(), e.getValue()));
      }
    }
    c.respondInfo("========== Queried registers ==========");
    for (String r : readRegisters) {
      long v = transport.getRegister(r);
      c.respondInfo(fields.prettyFormat(readTranslate.apply(r, v), v));
    }
  }

  // ---- status ----

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    TmcCurrent.Currents cur = current.get();
    s.put("mcu_phase_offset", null); // the driver's phase is not queried yet
    s.put("phase_offset_position", null);
    s.put("run_current", cur.run());
    s.put("hold_current", cur.hold());
    s.putAll(check.status());
    return s;
  }

  /**
   * While the motor is enabled: DRV_STATUS (and GSTAT) once a second; an error flag, or a
   * driver that reset itself (CS_ACTUAL 0 while current is set), three times running shuts
   * the printer down. Batch mode runs the first check only: its virtual clock has no driver
   * behind it to poll.
   */
  private final class ErrorCheck {
    /** Last value, register, mask of logged changes, error mask, CS_ACTUAL mask. */
    final long[] drvStatus = new long[1];
    final String drvReg;
    final long drvMask;
    final long drvErrMask;
    final long csActualMask;
    final String irunField;
    final String gstatReg;
    final long[] gstat = new long[1];
    final boolean clearGstat;
    boolean running;
    int generation;
    Long lastDrvStatus;
    Map<String, Object> lastDrvFields;

    ErrorCheck() {
      String reg = "DRV_STATUS";
      long cs = 0;
      String irun = "irun";
      boolean clear = true;
      if (kind.equals("tmc2130")) {
        clear = false; // its GSTAT flags clear themselves on read
        cs = fields.map().fieldsOf(reg).get("cs_actual");
      } else if (kind.equals("tmc2660")) {
        irun = "cs";
        reg = "READRSP@RDSEL2";
        cs = fields.map().fieldsOf(reg).get("se");
      }
      long mask = 0;
      long err = 0;
      Map<String, Long> regFields = fields.map().fieldsOf(reg);
      for (String f : ERROR_FIELDS) {
        if (regFields.containsKey(f)) {
          mask |= regFields.get(f);
          err |= regFields.get(f);
        }
      }
      for (String f : WARN_FIELDS) {
        if (regFields.containsKey(f)) {
          mask |= regFields.get(f);
        }
      }
      drvReg = reg;
      drvMask = mask;
      drvErrMask = err;
      csActualMask = cs;
      irunField = irun;
      clearGstat = clear;
      gstatReg = fields.lookupRegister("drv_err");
    }

    /** Reads one register until it is fine; returns the error flags it cleared. */
    long query(long[] last, String reg, long mask, long errMask, long csMask, boolean tryClear) {
      long cleared = 0;
      int count = 0;
      while (true) {
        long val;
        try {
          val = transport.getRegister(reg);
        } catch (CommandError e) {
          count++;
          if (count < 3 && e.getMessage().startsWith("Unable to read tmc uart")) {
            Reactor r = printer.reactor();
            r.pause(r.monotonic() + 0.050);
            continue;
          }
          throw e;
        }
        if ((val & mask) != (last[0] & mask)) {
          LOG.log(System.Logger.Level.INFO, "TMC '" + stepperName + "' reports "
              + fields.prettyFormat(reg, val));
        }
        last[0] = val;
        if ((val & errMask) == 0) {
          if (csMask == 0 || (val & csMask) != 0) {
            break;
          }
          long irun = fields.getField(irunField);
          if (!running || irun < 4) {
            break;
          }
          if (irunField.equals("irun") && fields.getField("ihold") == 0) {
            break;
          }
          // CS_ACTUAL 0 with current set: the driver has reset
        }
        count++;
        if (count >= 3) {
          throw new CommandError("TMC '" + stepperName + "' reports error: "
              + fields.prettyFormat(reg, val));
        }
        if (tryClear && (val & errMask) != 0) {
          tryClear = false;
          cleared |= val & errMask;
          transport.setRegister(reg, val & errMask, null);
        }
      }
      return cleared;
    }

    void start() {
      stop();
      query(drvStatus, drvReg, drvMask, drvErrMask, csActualMask, false);
      if (gstatReg != null) {
        query(gstat, gstatReg, 0xffffffffL, 0xffffffffL, 0, clearGstat);
      }
      running = true;
      if (transport.mcu().isBatch()) {
        return;
      }
      int myGeneration = ++generation;
      Reactor reactor = printer.reactor();
      reactor.spawn(() -> {
        while (true) {
          reactor.pause(reactor.monotonic() + 1.0);
          if (!running || generation != myGeneration || printer.isShutdown()) {
            return;
          }
          try {
            query(drvStatus, drvReg, drvMask, drvErrMask, csActualMask, false);
            if (gstatReg != null) {
              query(gstat, gstatReg, 0xffffffffL, 0xffffffffL, 0, false);
            }
          } catch (CommandError e) {
            printer.invokeShutdown(e.getMessage());
            return;
          }
        }
      });
    }

    void stop() {
      running = false;
      generation++;
    }

    Map<String, Object> status() {
      Map<String, Object> s = new LinkedHashMap<>();
      if (!running) {
        s.put("drv_status", null);
        s.put("temperature", null);
        return s;
      }
      long v = drvStatus[0];
      if (lastDrvStatus == null || lastDrvStatus != v) {
        lastDrvStatus = v;
        Map<String, Object> nonZero = new LinkedHashMap<>();
        fields.regFields(drvReg, v).forEach((n, x) -> {
          if (x != 0) {
            nonZero.put(n, x);
          }
        });
        lastDrvFields = nonZero;
      }
      s.put("drv_status", lastDrvFields);
      s.put("temperature", null);
      return s;
    }
  }
}
