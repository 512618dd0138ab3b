package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [endstop_phase] on Klipper's example cartesian printer: Z has 16 microsteps (64 phases) of
 * 0.0025 mm, its endstop at 0.5 mm.
 */
class EndstopPhaseModuleTest {
  static final double Z_STEP = 8.0 / 3200;
  @TempDir Path tmp;

  MotionRun run(String sections, String gcode) throws Exception {
    return MotionRun.run(tmp, MotionRun.corpusConfig("example-cartesian.cfg") + "\n"
        + sections, gcode);
  }

  @Test
  void theFirstHomingSetsThePhaseAndLaterOnesCorrectToIt() throws Exception {
    MotionRun r = run("[endstop_phase stepper_z]\n",
        "G28 Z\nGET_POSITION\nG1 Z20.0125 F600\nG28 Z\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    // Every GET_POSITION's "mcu:" is the step count the endstop triggered at.
    java.util.List<String> mcu = r.replies.stream().filter(l -> l.startsWith("// mcu: "))
        .toList();
    java.util.List<String> stepper = r.replies.stream()
        .filter(l -> l.startsWith("// stepper: ")).toList();
    long first = valueOf(mcu.get(0), "stepper_z");
    long second = valueOf(mcu.get(1), "stepper_z");
    assertThat(stepperZ(stepper.get(0))).isEqualTo(0.5);
    // In batch mode any phase difference counts as "early" (Klipper's rule when it cannot
    // check accuracy): the position moves down by up to a full 64-phase cycle.
    long delta = Math.floorMod(Math.floorMod(second, 64) - Math.floorMod(first, 64), 64) - 64;
    assertThat(stepperZ(stepper.get(1))).isCloseTo(0.5 + delta * Z_STEP, within(1e-9));
  }

  static long valueOf(String line, String name) {
    for (String part : line.substring(3).split(" ")) {
      if (part.startsWith(name + ":")) {
        return Long.parseLong(part.substring(name.length() + 1));
      }
    }
    throw new AssertionError(line);
  }

  static double stepperZ(String line) {
    for (String part : line.substring(3).split(" ")) {
      if (part.startsWith("stepper_z:")) {
        return Double.parseDouble(part.substring(10));
      }
    }
    throw new AssertionError(line);
  }

  @Test
  void calibrateReportsTheBestPhaseAndKeepsItForSaveConfig() throws Exception {
    MotionRun r = run("[endstop_phase stepper_z]\n\n[gcode_macro PENDING]\ngcode:\n"
        + "  {action_respond_info(\"pending=%s\" % printer.configfile.save_config_pending)}\n",
        "ENDSTOP_PHASE_CALIBRATE\nG28\nG1 Z10\nG28\nENDSTOP_PHASE_CALIBRATE\n"
        + "ENDSTOP_PHASE_CALIBRATE STEPPER=stepper_z\nPENDING\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies.get(0))
        .isEqualTo("// No steppers found. (Be sure to home at least once.)");
    // The report (all steppers), then the one for STEPPER=stepper_z, which is kept.
    String pattern = "// stepper_z: trigger_phase=\\d+/64 \\(range \\d+ to \\d+\\)";
    assertThat(r.replies.get(1)).matches(pattern);
    assertThat(r.replies.get(2)).isEqualTo(r.replies.get(1));
    assertThat(r.replies.subList(3, r.replies.size())).containsExactly(
        "// The SAVE_CONFIG command will update the printer config",
        "// file with these parameters and restart the printer.", "// pending=True");
    assertThat(run("[endstop_phase]\n", "G28\nENDSTOP_PHASE_CALIBRATE STEPPER=stepper_y\n")
        .error()).isEqualTo("Stats not available for stepper stepper_y");
  }

  @Test
  void refusesABadTriggerPhaseOrAnInaccurateEndstop() throws Exception {
    assertThat(run("[endstop_phase stepper_z]\ntrigger_phase: 64/64\n", "").error())
        .isEqualTo("Invalid trigger_phase '64/64'");
    // 0.1 mm is 40 steps: more than half of the 64-step cycle.
    assertThat(run("[endstop_phase stepper_z]\nendstop_accuracy: 0.1\n", "").error())
        .isEqualTo("Endstop for stepper_z is not accurate enough for stepper phase"
            + " adjustment");
  }

  @Test
  void phasesWrapAroundForNegativePositionsAndScaleFromOtherDrivers() {
    StepperPhase p = new StepperPhase("stepper_z", 64, false);
    assertThat(p.calcPhase(-1)).isEqualTo(63);
    assertThat(p.calcPhase(130)).isEqualTo(2);
    assertThat(p.history[63]).isEqualTo(1);
    assertThat(p.convertPhase(1, 4)).isEqualTo(16); // a quarter of the cycle
    assertThat(p.convertPhase(255, 256)).isEqualTo(0); // rounds up to a whole cycle
  }
}
