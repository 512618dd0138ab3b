package org.escapement.host.motion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleConsumer;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.McuPin;
import org.escapement.host.mcu.McuQuery;
import org.escapement.host.mcu.Response;
import org.escapement.host.modules.PinSetup;
import org.escapement.host.motion.steps.IterSolve;
import org.escapement.host.motion.steps.StepperKinematics;
import org.escapement.host.motion.steps.StepperSync;
import org.escapement.host.printer.Printer;

/**
 * One stepper motor driver on an MCU: its step and dir pins, how far a step moves, and the
 * bookkeeping between the position the motion code wants ("commanded", in mm) and the step
 * count the MCU holds. Its step times come from a {@link StepperKinematics} reading a trapq.
 */
public final class Stepper implements org.escapement.host.mcu.TriggerStepper {
  /** Step pulses at most this long may use "step on both edges". */
  private static final double MIN_BOTH_EDGE_DURATION = 0.000000500;
  private static final double MIN_OPTIMIZED_BOTH_EDGE_DURATION = 0.000000150;

  private final Printer printer;
  private final String name;
  private final Mcu mcu;
  private final int oid;
  private final McuPin stepPin;
  private final McuPin dirPin;
  private final boolean unitsInRadians;
  private double rotationDist;
  private final double stepsPerRotation;
  private double stepDist;
  private Double stepPulseDuration;
  private boolean wantBothEdges;
  private boolean stepBothEdge;
  private boolean invertDir;
  private final boolean origInvertDir;
  private double mcuPositionOffset;
  private final StepperSync.Emitter emitter;
  private StepperKinematics kinematics;
  private Trapq trapq;
  private McuQuery positionQuery;
  private final List<DoubleConsumer> activeCallbacks = new ArrayList<>();
  private MotionQueuing.FlushCallback activeCheck;

  /** Reads a [stepper_*] style section: step_pin, dir_pin, rotation_distance, microsteps... */
  public static Stepper fromConfig(Printer printer, ConfigSection section,
      boolean unitsInRadians) {
    McuPin step = PinSetup.pin(printer, section, "step_pin", "digital_out");
    McuPin dir = PinSetup.pin(printer, section, "dir_pin", "digital_out");
    double[] dist = parseStepDistance(section, unitsInRadians);
    Double pulse = section.getFloatOrNull("step_pulse_duration", Bounds.range(0, 0.001));
    Stepper s = new Stepper(printer, section.name(), step, dir, dist[0], dist[1], pulse,
        unitsInRadians);
    StepperEnable.of(printer).registerStepper(section, s);
    ForceMove.of(printer).registerStepper(s);
    return s;
  }

  /**
   * rotation_distance (or 2 pi for rotary axes with a gear_ratio), and steps per rotation:
   * full_steps_per_rotation * microsteps * gear ratio.
   *
   * @return {rotation distance, steps per rotation}
   */
  public static double[] parseStepDistance(ConfigSection section, boolean unitsInRadians) {
    if (unitsInRadians) {
      // As Klipper: an axis in radians has no rotation_distance; its gearing is required.
      section.get("gear_ratio");
    }
    double rotation = unitsInRadians ? 2 * Math.PI
        : section.getFloat("rotation_distance", null, Bounds.above(0));
    int microsteps = section.getInt("microsteps", null, Bounds.min(1));
    int fullSteps = section.getInt("full_steps_per_rotation", 200, Bounds.min(1));
    if (fullSteps % 4 != 0) {
      throw new ConfigError("full_steps_per_rotation invalid in section '" + section.name()
          + "'");
    }
    double gearing = 1;
    for (List<String> pair : section.getLists("gear_ratio", List.of(), ",")) {
      for (String ratio : pair) {
        String[] parts = ratio.split(":");
        if (parts.length != 2) {
          throw new ConfigError("Option 'gear_ratio' in section '" + section.name()
              + "' must have 2 elements");
        }
        try {
          gearing *= Double.parseDouble(parts[0].strip()) / Double.parseDouble(parts[1].strip());
        } catch (NumberFormatException e) {
          throw new ConfigError("Unable to parse option 'gear_ratio' in section '"
              + section.name() + "'");
        }
      }
    }
    return new double[] {rotation, fullSteps * microsteps * gearing};
  }

  Stepper(Printer printer, String name, McuPin stepPin, McuPin dirPin, double rotationDist,
      double stepsPerRotation, Double stepPulseDuration, boolean unitsInRadians) {
    this.printer = printer;
    this.name = name;
    this.stepPin = stepPin;
    this.dirPin = dirPin;
    this.mcu = stepPin.mcu();
    if (dirPin.mcu() != mcu) {
      throw new ConfigError("Stepper dir pin must be on same mcu as step pin");
    }
    this.rotationDist = rotationDist;
    this.stepsPerRotation = stepsPerRotation;
    this.stepDist = rotationDist / stepsPerRotation;
    this.stepPulseDuration = stepPulseDuration;
    this.unitsInRadians = unitsInRadians;
    this.invertDir = dirPin.invert();
    this.origInvertDir = dirPin.invert();
    this.oid = mcu.createOid();
    MotionQueuing mq = Toolhead.motionQueuing(printer);
    this.emitter = mq.allocateEmitter(mcu, name);
    emitter.setOid(oid);
    emitter.stepCompress().setInvertDir(invertDir);
    mcu.registerConfigCallback(this::buildConfig);
    printer.onEvent(Printer.Event.CONNECT, this::queryMcuPosition);
  }

  @Override
  public String name() {
    return name;
  }

  /** The name without "stepper_": {@code x} for [stepper_x]. */
  public String shortName() {
    return name.startsWith("stepper") && name.length() > 8 ? name.substring(8) : name;
  }

  @Override
  public Mcu mcu() {
    return mcu;
  }

  @Override
  public int oid() {
    return oid;
  }

  public double stepDist() {
    return stepDist;
  }

  public boolean unitsInRadians() {
    return unitsInRadians;
  }

  /** A default pulse length (drivers that need short or long pulses say so). */
  public void setupDefaultPulseDuration(double seconds, boolean stepBothEdges) {
    if (stepPulseDuration == null) {
      stepPulseDuration = seconds;
    }
    wantBothEdges = stepBothEdges;
  }

  private void buildConfig() {
    if (stepPulseDuration == null) {
      stepPulseDuration = 0.000002;
    }
    int invertStep = stepPin.invert() ? 1 : 0;
    boolean ssbe = mcu.constantNumberOr("STEPPER_STEP_BOTH_EDGE", 0) != 0;
    boolean sbe = mcu.constantNumberOr("STEPPER_BOTH_EDGE", 0) != 0;
    boolean sou = mcu.constantNumberOr("STEPPER_OPTIMIZED_UNSTEP", 0) != 0;
    boolean both = wantBothEdges;
    if (stepPulseDuration > MIN_BOTH_EDGE_DURATION) {
      both = false; // long pulses: rise and fall times may not match
    } else if (sbe && stepPulseDuration > MIN_OPTIMIZED_BOTH_EDGE_DURATION) {
      both = false;
    } else if (!sbe && !ssbe) {
      both = false;
    } else if (sou) {
      both = false; // the MCU's optimized step/unstep is better
    }
    if (both) {
      stepBothEdge = true;
      invertStep = -1;
      if (sbe) {
        stepPulseDuration = 0.0; // older firmware: zero ticks selects both edges
      }
    }
    long pulseTicks = mcu.secondsToClock(stepPulseDuration);
    mcu.addConfigCmd(String.format(Locale.ROOT,
        "config_stepper oid=%d step_pin=%s dir_pin=%s invert_step=%d step_pulse_ticks=%d", oid,
        stepPin.name(), dirPin.name(), invertStep, pulseTicks), false, false);
    mcu.addConfigCmd(String.format(Locale.ROOT, "reset_step_clock oid=%d clock=0", oid), false,
        true);
    mcu.lookupCommand("queue_step oid=%c interval=%u count=%hu add=%hi");
    mcu.lookupCommand("set_next_step_dir oid=%c dir=%c");
    mcu.lookupCommand("reset_step_clock oid=%c clock=%u");
    positionQuery = mcu.lookupQuery("stepper_get_position oid=%c",
        "stepper_position oid=%c pos=%i", (long) oid);
    int maxError = (int) mcu.secondsToClock(mcu.maxStepperError());
    MotionQueuing mq = Toolhead.motionQueuing(printer);
    // Our firmware's queue_step2 takes fewer bytes; Klipper's firmware gets queue_step.
    boolean queueStep2 = mcu.tryLookupCommand(StepperSync.QUEUE_STEP2) != null;
    emitter.stepCompress().setup(maxError, mq.compressorFor(maxError, queueStep2), queueStep2);
  }

  // ---- kinematics and positions ----

  public void setKinematics(StepperKinematics sk) {
    long mcuPos = kinematics == null ? 0 : mcuPosition();
    kinematics = sk;
    emitter.setKinematics(sk);
    setTrapq(trapq);
    setMcuPosition(mcuPos);
  }

  public StepperKinematics kinematics() {
    return kinematics;
  }

  public void setTrapq(Trapq tq) {
    kinematics.setTrapq(tq, stepDist);
    trapq = tq;
  }

  public Trapq trapq() {
    return trapq;
  }

  /** The stepper position (mm) for a toolhead at {@code coord}. */
  public double calcPositionFromCoord(double[] coord) {
    return kinematics.calcPositionFromCoord(coord[0], coord[1], coord[2]);
  }

  public void setPosition(double[] coord) {
    long mcuPos = mcuPosition();
    kinematics.setPosition(coord[0], coord[1], coord[2]);
    setMcuPosition(mcuPos);
  }

  public double commandedPosition() {
    return kinematics.commandedPosition();
  }

  /** The MCU's step count for the current commanded position. */
  public long mcuPosition() {
    return mcuPosition(commandedPosition());
  }

  public long mcuPosition(double commanded) {
    double steps = (commanded + mcuPositionOffset) / stepDist;
    return steps >= 0 ? (long) (steps + 0.5) : (long) (steps - 0.5);
  }

  private void setMcuPosition(long mcuPos) {
    mcuPositionOffset = mcuPos * stepDist - commandedPosition();
  }

  public double mcuToCommandedPosition(long mcuPos) {
    return mcuPos * stepDist - mcuPositionOffset;
  }

  /** Where the stepper was (in steps) at {@code printTime}, from what was sent. */
  public long pastMcuPosition(double printTime) {
    return emitter.stepCompress().findPastPosition(mcu.printTimeToClock(printTime));
  }

  public double[] rotationDistance() {
    return new double[] {rotationDist, stepsPerRotation};
  }

  public void setRotationDistance(double dist) {
    long mcuPos = mcuPosition();
    rotationDist = dist;
    stepDist = dist / stepsPerRotation;
    setTrapq(trapq);
    setMcuPosition(mcuPos);
  }

  public boolean dirInverted() {
    return invertDir;
  }

  public boolean originalDirInverted() {
    return origInvertDir;
  }

  public void setDirInverted(boolean invert) {
    if (invert != invertDir) {
      invertDir = invert;
      emitter.stepCompress().setInvertDir(invert);
    }
  }

  /** After homing stopped the stepper: the MCU's step timing starts over. */
  @Override
  public void noteHomingEnd() {
    emitter.stepCompress().reset(0);
    emitter.stepCompress().queueResetClock(0, 0);
    queryMcuPosition();
  }

  /** Asks the MCU where it is, so host and MCU step counts agree (not in batch mode). */
  private void queryMcuPosition() {
    if (mcu.isBatch()) {
      return;
    }
    Response r = positionQuery.send(oid);
    long pos = r.message().getLong("pos");
    if (invertDir) {
      pos = -pos;
    }
    double printTime = mcu.estimatedPrintTime(r.receiveTime());
    emitter.stepCompress().setLastPosition(mcu.printTimeToClock(printTime), pos);
    setMcuPosition(pos);
  }

  // ---- first movement (motor enable) ----

  /** Runs {@code cb} with the print time this stepper first moves at (once). */
  public void addActiveCallback(DoubleConsumer cb) {
    activeCallbacks.add(cb);
    if (activeCallbacks.size() == 1) {
      activeCheck = this::checkActive;
      Toolhead.motionQueuing(printer).registerFlushCallback(activeCheck, false);
    }
  }

  private void checkActive(double flushTime, double stepGenTime) {
    double t = IterSolve.checkActive(kinematics, stepGenTime);
    if (t == 0) {
      return;
    }
    Toolhead.motionQueuing(printer).unregisterFlushCallback(activeCheck);
    List<DoubleConsumer> cbs = new ArrayList<>(activeCallbacks);
    activeCallbacks.clear();
    for (DoubleConsumer cb : cbs) {
      cb.accept(t);
    }
  }

  /** Is this stepper moved by the toolhead's {@code axis} ('x', 'y' or 'z')? */
  public boolean isActiveAxis(char axis) {
    int flag = switch (axis) {
      case 'x' -> StepperKinematics.AF_X;
      case 'y' -> StepperKinematics.AF_Y;
      case 'z' -> StepperKinematics.AF_Z;
      default -> 0;
    };
    return (kinematics.activeFlags() & flag) != 0;
  }

  public boolean stepBothEdge() {
    return stepBothEdge;
  }

  StepperSync.Emitter emitter() {
    return emitter;
  }
}
