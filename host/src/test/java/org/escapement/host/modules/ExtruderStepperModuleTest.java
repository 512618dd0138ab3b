package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Map;
import org.escapement.host.motion.MotionRun;
import org.escapement.host.motion.StepTimeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [extruder_stepper], SYNC_EXTRUDER_MOTION, SET_PRESSURE_ADVANCE and
 * SET_EXTRUDER_ROTATION_DISTANCE by stepper name, and tool changes with T0/T1 macros, on
 * Klipper's extruders.cfg (extruder motor on PA4: 3200 steps per 33.5 mm; my_extra_stepper
 * on PH5: 3200 steps per 28.2 mm). The filament sensors of that config are left out: they
 * are not supported yet and play no part here.
 */
class ExtruderStepperModuleTest {
  static final double E_STEPS_PER_MM = 3200 / 33.5;
  static final double EXTRA_STEPS_PER_MM = 3200 / 28.2;
  @TempDir Path tmp;

  static String extrudersCfg() throws Exception {
    return MotionRun.corpusConfig("../klipper-tests/extruders.cfg",
        "filament_switch_sensor runout_switch", "filament_motion_sensor runout_encoder",
        "filament_switch_sensor runout_switch1", "filament_motion_sensor runout_encoder1");
  }

  MotionRun run(String gcode) throws Exception {
    return MotionRun.run(tmp, extrudersCfg(), gcode);
  }

  static long steps(MotionRun r, String pin) {
    StepTimeline.Steps s = r.steps().get(pin);
    return s == null ? 0 : s.position;
  }

  @Test
  void klippersExtrudersTestRunsToTheEnd() throws Exception {
    String gcode = java.nio.file.Files.readString(org.escapement.protocol.Shared.dir()
        .resolve("corpus/klipper-tests/extruders.test")).lines()
        .filter(l -> !l.startsWith("DICTIONARY") && !l.startsWith("CONFIG"))
        .reduce("", (a, b) -> a + b + "\n");
    MotionRun r = run(gcode);
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).contains(
        "// Extruder 'extruder' rotation distance set to 33.200000",
        "// Extruder 'extruder' rotation distance set to -33.100000",
        "// Extruder 'extruder' now syncing with ''",
        "// Extruder 'my_extra_stepper' now syncing with 'extruder'",
        "// pressure_advance: 0.020000");
  }

  @Test
  void theExtraStepperFollowsItsExtruderUntilUnsynced() throws Exception {
    MotionRun synced = run("G1 E10\n");
    assertThat(synced.exitCode).as(synced.replies.toString()).isZero();
    assertThat(steps(synced, "PA4")).isCloseTo(Math.round(10 * E_STEPS_PER_MM), within(1L));
    assertThat(steps(synced, "PH5")).isCloseTo(Math.round(10 * EXTRA_STEPS_PER_MM),
        within(1L));

    MotionRun unsynced = run("G1 E10\nSYNC_EXTRUDER_MOTION EXTRUDER=my_extra_stepper"
        + " MOTION_QUEUE=\nG1 E20\n");
    assertThat(unsynced.exitCode).as(unsynced.replies.toString()).isZero();
    assertThat(unsynced.replies).contains(
        "// Extruder 'my_extra_stepper' now syncing with ''");
    assertThat(steps(unsynced, "PA4")).isCloseTo(Math.round(20 * E_STEPS_PER_MM), within(1L));
    assertThat(steps(unsynced, "PH5")).isCloseTo(Math.round(10 * EXTRA_STEPS_PER_MM),
        within(1L));
    Map<String, Object> status = unsynced.printer.lookupObject(
        "extruder_stepper my_extra_stepper", ExtruderStepperModule.class).status(0);
    assertThat(status).containsEntry("motion_queue", null);
  }

  @Test
  void resyncingPicksUpFromTheExtrudersPositionWithoutAJump() throws Exception {
    // Unsynced for E 10..20: those 10 mm are not made up when it syncs again.
    MotionRun r = run("G1 E10\nSYNC_EXTRUDER_MOTION EXTRUDER=my_extra_stepper MOTION_QUEUE=\n"
        + "G1 E20\nSYNC_EXTRUDER_MOTION EXTRUDER=my_extra_stepper MOTION_QUEUE=extruder\n"
        + "G1 E25\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(steps(r, "PH5")).isCloseTo(Math.round(15 * EXTRA_STEPS_PER_MM), within(1L));
    Map<String, Object> status = r.printer.lookupObject("extruder_stepper my_extra_stepper",
        ExtruderStepperModule.class).status(0);
    assertThat(status).containsEntry("motion_queue", "extruder");
  }

  @Test
  void syncErrorsAreKlippers() throws Exception {
    MotionRun bad = run("SYNC_EXTRUDER_MOTION EXTRUDER=my_extra_stepper MOTION_QUEUE=stepper_x"
        + "\n");
    assertThat(bad.error()).isEqualTo("'stepper_x' is not a valid extruder.");
    MotionRun missing = run("SYNC_EXTRUDER_MOTION EXTRUDER=my_extra_stepper\n");
    assertThat(missing.error()).isEqualTo(
        "Error on 'SYNC_EXTRUDER_MOTION EXTRUDER=my_extra_stepper': missing MOTION_QUEUE");
    MotionRun unknown = run("SYNC_EXTRUDER_MOTION EXTRUDER=nope MOTION_QUEUE=extruder\n");
    assertThat(unknown.error()).startsWith("The value 'nope' is not valid for EXTRUDER");
  }

  @Test
  void pressureAdvanceIsSetPerStepperName() throws Exception {
    MotionRun r = run("SET_PRESSURE_ADVANCE EXTRUDER=my_extra_stepper ADVANCE=0.05"
        + " SMOOTH_TIME=0.02\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).contains("// pressure_advance: 0.050000",
        "// pressure_advance_smooth_time: 0.020000");
    assertThat(r.printer.lookupObject("extruder_stepper my_extra_stepper",
        ExtruderStepperModule.class).status(0)).containsEntry("pressure_advance", 0.05)
        .containsEntry("smooth_time", 0.02);
    assertThat(r.printer.lookupObject("extruder", ExtruderModule.class).status(0))
        .containsEntry("pressure_advance", 0.0);

    assertThat(run("SET_PRESSURE_ADVANCE EXTRUDER=my_extra_stepper ADVANCE=-1\n").error())
        .startsWith("Error on 'SET_PRESSURE_ADVANCE EXTRUDER=my_extra_stepper ADVANCE=-1':"
            + " ADVANCE must have minimum of 0");
    assertThat(run("SET_PRESSURE_ADVANCE SMOOTH_TIME=0.3\n").error())
        .isEqualTo("Error on 'SET_PRESSURE_ADVANCE SMOOTH_TIME=0.3': SMOOTH_TIME must have"
            + " maximum of 0.2");
  }

  @Test
  void withoutExtruderParameterPressureAdvanceNeedsTheActiveExtrudersOwnMotor()
      throws Exception {
    MotionRun r = run("SYNC_EXTRUDER_MOTION EXTRUDER=extruder MOTION_QUEUE=\n"
        + "SET_PRESSURE_ADVANCE ADVANCE=0.1\n");
    assertThat(r.error()).isEqualTo("Unable to infer active extruder stepper");
  }

  @Test
  void rotationDistanceByStepperNameAndItsSign() throws Exception {
    MotionRun r = run("SET_EXTRUDER_ROTATION_DISTANCE EXTRUDER=my_extra_stepper"
        + " DISTANCE=-14.1\nG1 E10\nSET_EXTRUDER_ROTATION_DISTANCE EXTRUDER=my_extra_stepper\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).containsSubsequence(
        "// Extruder 'my_extra_stepper' rotation distance set to -14.100000",
        "// Extruder 'my_extra_stepper' rotation distance set to -14.100000");
    // Half the rotation distance: twice the steps, the other way round.
    assertThat(steps(r, "PH5")).isCloseTo(-Math.round(20 * EXTRA_STEPS_PER_MM), within(1L));
    assertThat(run("SET_EXTRUDER_ROTATION_DISTANCE EXTRUDER=my_extra_stepper DISTANCE=0\n")
        .error()).isEqualTo("Rotation distance can not be zero");
  }

  @Test
  void theExtruderOptionMustNameAnExtruder() throws Exception {
    MotionRun r = MotionRun.run(tmp, extrudersCfg().replace("extruder: extruder",
        "extruder: extruder7"), "");
    assertThat(r.exitCode).isNotZero();
    assertThat(String.join("\n", r.replies)).contains("'extruder7' is not a valid extruder.");
  }

  /** Two hotends sharing nothing: T0/T1 macros switch which motor the E moves drive. */
  @Test
  void toolChangeMacrosSwitchTheDrivenMotor() throws Exception {
    String cfg = extrudersCfg().replace("[extruder_stepper my_extra_stepper]\nextruder:"
        + " extruder\n", "[extruder1]\nnozzle_diameter: 0.4\nfilament_diameter: 1.75\n"
        + "heater_pin: PH4\nsensor_type: EPCOS 100K B57560G104F\nsensor_pin: PK7\n"
        + "control: watermark\nmin_temp: 0\nmax_temp: 250\n")
        + "\n[gcode_macro T0]\ngcode:\n  ACTIVATE_EXTRUDER EXTRUDER=extruder\n"
        + "\n[gcode_macro T1]\ngcode:\n  ACTIVATE_EXTRUDER EXTRUDER=extruder1\n";
    MotionRun r = MotionRun.run(tmp, cfg, "G1 E5\nT1\nG1 E8\nT0\nG1 E7\nT0\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).containsSubsequence("// Activating extruder extruder1",
        "// Activating extruder extruder", "// Extruder extruder already active");
    // As in Klipper, the G-code E coordinate restarts at 0 with each activation (its base
    // takes the new extruder's position): extruder makes 5 + 7 mm, extruder1 8 mm.
    assertThat(steps(r, "PA4")).isCloseTo(Math.round(12 * E_STEPS_PER_MM), within(1L));
    assertThat(steps(r, "PH5")).isCloseTo(Math.round(8 * EXTRA_STEPS_PER_MM), within(1L));
  }
}
