package org.escapement.host.motion.kinematics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kinematics: delta on Klipper's example delta (arms 333 mm, radius 174.75 mm, endstops at
 * 297.05 mm; [delta_calibrate] is left out: not ours to build here).
 */
class DeltaKinematicsTest {
  @TempDir Path tmp;

  static String config(String extra) throws Exception {
    return MotionRun.corpusConfig("example-delta.cfg", "delta_calibrate") + extra;
  }

  MotionRun run(String gcode) throws Exception {
    return MotionRun.run(tmp, config(KinematicsRuns.PRINT_TIME_MACRO), gcode);
  }

  /** Carriage height above the effector for a head at (x, y), tower at angle {@code deg}. */
  static double carriage(double deg, double x, double y, double z) {
    double tx = Math.cos(Math.toRadians(deg)) * 174.75;
    double ty = Math.sin(Math.toRadians(deg)) * 174.75;
    return Math.sqrt(333.0 * 333.0 - (tx - x) * (tx - x) - (ty - y) * (ty - y)) + z;
  }

  @Test
  void homesAllTowersTogetherToTheTopCentre() throws Exception {
    MotionRun r = run("HOMED\nG28\nHOMED\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    Map<String, Double> head = r.position("toolhead");
    assertThat(head.get("X")).isCloseTo(0, within(1e-9));
    assertThat(head.get("Y")).isCloseTo(0, within(1e-9));
    assertThat(head.get("Z")).isCloseTo(297.05, within(1e-6));
    // Every carriage stands at its endstop: arm's vertical reach above the head.
    Map<String, Double> steppers = r.position("stepper");
    double expected = carriage(210, 0, 0, 297.05);
    for (String s : List.of("stepper_a", "stepper_b", "stepper_c")) {
      assertThat(steppers.get(s)).as(s).isCloseTo(expected, within(0.0125));
    }
    assertThat(KinematicsRuns.homed(r)).containsExactly("", "xyz");
    // One homing: all three towers moved up (fast, then again slowly) together.
    r.steps().forEach((pin, steps) -> {
      if (!pin.equals("PA4")) {
        assertThat(steps.clocks).as(pin).isNotEmpty();
      }
    });
  }

  @Test
  void movesPutEachCarriageWhereItsArmReachesTheHead() throws Exception {
    // M84 turns the motors off after generating every step (batch mode's M400 does not wait).
    MotionRun r = run("G28\nG1 X30 Y-20 Z50 F6000\nG1 X-60 Y45 Z12.5\nM84\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    Map<String, Double> steppers = r.position("stepper");
    assertThat(steppers.get("stepper_a")).isCloseTo(carriage(210, -60, 45, 12.5),
        within(0.0125));
    assertThat(steppers.get("stepper_b")).isCloseTo(carriage(330, -60, 45, 12.5),
        within(0.0125));
    assertThat(steppers.get("stepper_c")).isCloseTo(carriage(90, -60, 45, 12.5),
        within(0.0125));
    // And back: the carriage positions give the head position (within a step's worth).
    Map<String, Double> kin = r.position("kinematic");
    assertThat(kin.get("X")).isCloseTo(-60, within(0.05));
    assertThat(kin.get("Y")).isCloseTo(45, within(0.05));
    assertThat(kin.get("Z")).isCloseTo(12.5, within(0.05));
    KinematicsRuns.assertStreamMatchesHostPositions(r);
  }

  @Test
  void refusesToMoveBeforeHoming() throws Exception {
    MotionRun r = run("G1 X0 Y0 Z10\n");
    assertThat(r.error()).isEqualTo("Must home first: 0.000 0.000 10.000 [0.000]");
    assertThat(r.sent).noneMatch(l -> l.startsWith("queue_step"));
  }

  @Test
  void refusesMovesOutsideThePrintRadiusAndKeepsItsPosition() throws Exception {
    // Max radius here: the carriage-to-head ratio limit, 157.1 mm.
    MotionRun r = run("G28\nG1 X0 Y0 Z10\nG1 X157 Y0\nG1 X0 Y0\nG1 X0 Y158\n");
    assertThat(r.error()).isEqualTo("Move out of range: 0.000 158.000 10.000 [0.000]");
    assertThat(r.toolhead().position()).startsWith(0.0, 0.0, 10.0);
  }

  @Test
  void reachableRadiusNarrowsAboveTheConeStart() throws Exception {
    // The cone starts at 247.5 mm; at 290 mm only about 11.97 mm of radius is left.
    MotionRun ok = run("G28\nG1 X0 Y0 Z290\nG1 X11.9 Y0\n");
    assertThat(ok.exitCode).as(ok.replies.toString()).isZero();
    assertThat(ok.toolhead().status(0).get("cone_start_z")).asString().startsWith("247.5");
    MotionRun out = run("G28\nG1 X0 Y0 Z290\nG1 X12.1 Y0\n");
    assertThat(out.error()).isEqualTo("Move out of range: 12.100 0.000 290.000 [0.000]");
  }

  @Test
  void refusesToGoBelowTheBedOrAboveTheEndstops() throws Exception {
    assertThat(run("G28\nG1 X0 Y0 Z-0.1\n").error())
        .isEqualTo("Move out of range: 0.000 0.000 -0.100 [0.000]");
    assertThat(run("G28\nG1 X1 Y0 Z297.06\n").error())
        .isEqualTo("Move out of range: 1.000 0.000 297.060 [0.000]");
  }

  @Test
  void slowsMovesNearTheTowers() throws Exception {
    // The same 10 mm Y move at 100 mm/s: full speed at the centre, half speed and accel past
    // 141.2 mm from it (a carriage would move 3 times faster than the head).
    MotionRun r = run("G28\nG1 X0 Y0 Z10 F6000\nM400\nPRINT_TIME\nG1 Y10\nM400\nPRINT_TIME\n"
        + "G1 X145 Y0\nM400\nPRINT_TIME\nG1 Y10\nM400\nPRINT_TIME\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    List<Double> t = KinematicsRuns.printTimes(r);
    assertThat(t.get(1) - t.get(0)).isCloseTo(KinematicsRuns.trapezoidTime(10, 100, 3000),
        within(1e-6));
    assertThat(t.get(3) - t.get(2)).isCloseTo(KinematicsRuns.trapezoidTime(10, 100, 1500),
        within(1e-6));
  }

  @Test
  void verticalMovesKeepToMaxZVelocity() throws Exception {
    // max_z_velocity is 150 mm/s here; a straight Z move at 250 mm/s runs at 150.
    MotionRun r = run("G28\nG1 X0 Y0 Z100 F6000\nM400\nPRINT_TIME\nG1 Z20 F15000\nM400\n"
        + "PRINT_TIME\n");
    List<Double> t = KinematicsRuns.printTimes(r);
    assertThat(t.get(1) - t.get(0)).isCloseTo(KinematicsRuns.trapezoidTime(80, 150, 3000),
        within(1e-6));
  }

  @Test
  void armsNotLongerThanTheRadiusAreRefused() throws Exception {
    MotionRun r = MotionRun.run(tmp, config("").replace("arm_length: 333.0",
        "arm_length: 170"), "");
    assertThat(r.error()).isEqualTo(
        "Option 'arm_length' in section 'stepper_a' must be above 174.75 (printer.cfg:18)");
  }

  @Test
  void towersOnOneLineAreRefused() throws Exception {
    String cfg = config("").replace("[stepper_b]", "[stepper_b]\nangle: 30")
        .replace("[stepper_c]", "[stepper_c]\nangle: 210");
    MotionRun r = MotionRun.run(tmp, cfg, "");
    assertThat(r.error()).startsWith("Delta tower angles 210, 30, 210");
  }

  @Test
  void aNanArmLengthIsRefused() throws Exception {
    MotionRun r = MotionRun.run(tmp, config("").replace("arm_length: 333.0",
        "arm_length: nan"), "");
    assertThat(r.error()).isEqualTo(
        "Option 'arm_length' in section 'stepper_a' must be a finite number");
    assertThat(r.exitCode).isEqualTo(1);
  }
}
