package org.escapement.host.motion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [manual_stepper]: MANUAL_STEPPER moves, timing against the toolhead, homing, G-code axis. */
class ManualStepperModuleTest {
  @TempDir Path tmp;

  /** A cartesian printer (X on PF0... as Klipper's examples) plus two manual steppers. */
  static final String CONFIG = """
      [mcu]
      serial: /dev/ttyACM0

      [printer]
      kinematics: cartesian
      max_velocity: 300
      max_accel: 3000

      [stepper_x]
      step_pin: PF0
      dir_pin: PF1
      enable_pin: !PD7
      microsteps: 16
      rotation_distance: 40
      endstop_pin: ^PE5
      position_endstop: 0
      position_max: 200

      [stepper_y]
      step_pin: PF6
      dir_pin: PF7
      enable_pin: !PF2
      microsteps: 16
      rotation_distance: 40
      endstop_pin: ^PJ1
      position_endstop: 0
      position_max: 200

      [stepper_z]
      step_pin: PL3
      dir_pin: PL1
      enable_pin: !PK0
      microsteps: 16
      rotation_distance: 8
      endstop_pin: ^PD3
      position_endstop: 0
      position_max: 200

      [manual_stepper feeder]
      step_pin: PA4
      dir_pin: PA6
      enable_pin: !PA2
      microsteps: 16
      rotation_distance: 40
      velocity: 20
      accel: 500
      position_min: -5
      position_max: 150

      [manual_stepper lift]
      step_pin: PC1
      dir_pin: PC3
      enable_pin: !PC7
      microsteps: 16
      rotation_distance: 8
      endstop_pin: ^PD2

      [gcode_macro PRINT_TIME]
      gcode:
        {action_respond_info("print_time=%.6f" % printer.toolhead.print_time)}

      [gcode_macro ENABLED]
      gcode:
        {action_respond_info("enabled=%s" % printer.stepper_enable.steppers["manual_stepper feeder"])}
      """;

  MotionRun run(String gcode) throws Exception {
    return MotionRun.run(tmp, CONFIG, gcode);
  }

  static final String FEEDER = "MANUAL_STEPPER STEPPER=feeder ";

  @Test
  void movesToAbsolutePositionsFromTheSetPosition() throws Exception {
    MotionRun r = run(FEEDER + "MOVE=10\n" + FEEDER + "MOVE=4 SPEED=5\n" + FEEDER
        + "SET_POSITION=100\n" + FEEDER + "MOVE=90 ACCEL=0\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    // 80 steps per mm: +10, -6, then -10 from the new origin.
    assertThat(r.steps().get("PA4").position).isEqualTo(80 * (10 - 6 - 10));
  }

  @Test
  void aSyncedMoveHoldsBackTheToolheadAndAnUnsyncedOneLetsItGoOn() throws Exception {
    // 20 mm at 20 mm/s with 500 mm/s²: 1.04 s.
    MotionRun r = run("G28\n" + FEEDER + "MOVE=20 SYNC=0\nPRINT_TIME\n" + FEEDER + "SYNC=1\n"
        + "PRINT_TIME\n" + FEEDER + "MOVE=0\nPRINT_TIME\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    List<Double> t = r.replies.stream().filter(l -> l.startsWith("// print_time="))
        .map(l -> Double.parseDouble(l.substring(14))).toList();
    assertThat(t.get(1) - t.get(0)).isCloseTo(1.04, within(1e-6));
    assertThat(t.get(2) - t.get(1)).isCloseTo(1.04, within(1e-6));
    // The steps span the move less the time to reach the first half step at each end.
    List<Long> feeder = r.steps().get("PA4").clocks;
    double firstMove = (feeder.get(1599) - feeder.get(0)) / 16e6;
    assertThat(firstMove).isCloseTo(1.04 - 2 * Math.sqrt(2 * 0.00625 / 500), within(1e-4));
  }

  @Test
  void enablesAndDisablesItsDriver() throws Exception {
    MotionRun r = run("ENABLED\n" + FEEDER + "ENABLE=1\nENABLED\n" + FEEDER
        + "ENABLE=0\nENABLED\n");
    assertThat(r.replies).containsSubsequence("// enabled=False", "// enabled=True",
        "// enabled=False");
  }

  @Test
  void refusesMovesOutsideItsRangeAndBadNumbers() throws Exception {
    assertThat(run(FEEDER + "MOVE=151\n").error()).isEqualTo("Move out of range");
    assertThat(run(FEEDER + "MOVE=-5.5\n").error()).isEqualTo("Move out of range");
    assertThat(run(FEEDER + "MOVE=nan\n").error())
        .isEqualTo("Error on 'MANUAL_STEPPER STEPPER=feeder MOVE=nan': MOVE must be a finite"
            + " number");
    assertThat(run(FEEDER + "MOVE=10 SPEED=0\n").error()).contains("SPEED must be above 0");
  }

  @Test
  void homesOnlyWithAnEndstop() throws Exception {
    assertThat(run(FEEDER + "MOVE=10 STOP_ON_ENDSTOP=1\n").error())
        .isEqualTo("No endstop for this manual stepper");
    assertThat(run("MANUAL_STEPPER STEPPER=lift MOVE=10 STOP_ON_ENDSTOP=sideways\n").error())
        .isEqualTo("Unknown STOP_ON_ENDSTOP request");
    // In batch mode the endstop "triggers" at the end of the move: the lift ends at -20.
    MotionRun r = run("MANUAL_STEPPER STEPPER=lift MOVE=-20 STOP_ON_ENDSTOP=home\n"
        + "MANUAL_STEPPER STEPPER=lift MOVE=-10\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.steps().get("PC1").position).isEqualTo(400 * -10);
    assertThat(r.sent).anyMatch(l -> l.startsWith("endstop_home"));
  }

  @Test
  void asAGcodeAxisItMovesWithG1() throws Exception {
    MotionRun r = run("G28\n" + FEEDER + "GCODE_AXIS=A\nG1 X10 A5 F6000\nG1 A15\n"
        + FEEDER + "GCODE_AXIS=\n" + FEEDER + "MOVE=0\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    List<Long> feeder = r.steps().get("PA4").clocks;
    assertThat(feeder).hasSize(80 * (15 + 15));
    assertThat(r.steps().get("PA4").position).isZero();
    // The first G1 moves X and A together: both start within a few milliseconds.
    List<Long> x = r.steps().get("PF0").clocks;
    long xStart = x.get(x.size() - 800);
    assertThat(Math.abs(feeder.get(0) - xStart)).isLessThan(16000 * 5);
  }

  @Test
  void gcodeAxisErrors() throws Exception {
    assertThat(run(FEEDER + "GCODE_AXIS=X\n").error()).isEqualTo("Not a valid GCODE_AXIS");
    assertThat(run(FEEDER + "GCODE_AXIS=A\nMANUAL_STEPPER STEPPER=lift GCODE_AXIS=a\n")
        .error()).isEqualTo("Axis 'A' already registered");
    assertThat(run(FEEDER + "GCODE_AXIS=A\n" + FEEDER + "MOVE=3\n").error())
        .isEqualTo("Must unregister from gcode axis first");
    assertThat(run(FEEDER + "GCODE_AXIS=A\n" + FEEDER + "GCODE_AXIS=B\n").error())
        .isEqualTo("Must unregister axis first");
    assertThat(run("G28\n" + FEEDER + "GCODE_AXIS=A\nG1 A151\n").error())
        .isEqualTo("Move out of range: 0.000 0.000 0.000 [0.000]");
  }
}
