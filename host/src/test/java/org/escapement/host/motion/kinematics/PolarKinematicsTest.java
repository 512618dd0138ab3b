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
 * kinematics: polar on Klipper's example polar printer: arm endstop at 300 mm, bed geared
 * 80:16 (16000 steps per turn), max_angular_velocity 5 rad/s.
 */
class PolarKinematicsTest {
  static final int BED_STEPS_PER_TURN = 200 * 16 * 80 / 16;
  @TempDir Path tmp;

  MotionRun run(String gcode) throws Exception {
    return MotionRun.run(tmp, MotionRun.corpusConfig("example-polar.cfg")
        + KinematicsRuns.PRINT_TIME_MACRO, gcode);
  }

  @Test
  void homesXAndYTogetherWithTheArmOutAlongX() throws Exception {
    MotionRun r = run("HOMED\nG28 Y\nHOMED\nG28 Z\nHOMED\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(KinematicsRuns.homed(r)).containsExactly("", "xy", "xyz");
    Map<String, Double> head = r.position("toolhead");
    assertThat(head.get("X")).isEqualTo(300.0);
    assertThat(head.get("Y")).isEqualTo(0.0);
    assertThat(head.get("Z")).isEqualTo(0.5);
  }

  @Test
  void theBedTurnsWholeTurnsInRadiansWithoutLosingSteps() throws Exception {
    String loop = "G1 X10 Y10\nG1 X-10 Y10\nG1 X-10 Y-10\nG1 X10 Y-10\nG1 X10 Y0\n";
    MotionRun r = run("G28\nG1 X10 Y0 F6000\n" + loop + loop + loop + "M84\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    // Three turns counter-clockwise, back at angle 0: exactly three turns of bed steps.
    String bedPin = KinematicsRuns.pinOf(r, "stepper_bed");
    assertThat(r.steps().get(bedPin).position).isEqualTo(3L * BED_STEPS_PER_TURN);
    // The bed's own angle is kept within half a turn of zero; as in Klipper, the step count
    // the host reports for it follows that angle (whole turns are left out).
    assertThat(r.position("stepper").get("stepper_bed")).isCloseTo(0, within(1e-3));
    assertThat(r.position("mcu").get("stepper_bed")).isZero();
    Map<String, Double> kin = r.position("kinematic");
    assertThat(kin.get("X")).isCloseTo(10, within(0.02));
    assertThat(kin.get("Y")).isCloseTo(0, within(0.02));
    KinematicsRuns.assertStreamMatchesHostPositions(r, "stepper_bed");
  }

  @Test
  void refusesMovesBeforeHomingAndOutsideTheArmsReach() throws Exception {
    assertThat(run("G1 X10 Y0\n").error())
        .isEqualTo("Must home axis first: 10.000 0.000 0.000 [0.000]");
    assertThat(run("G28 X\nG1 Z5\n").error())
        .isEqualTo("Must home axis first: 300.000 0.000 5.000 [0.000]");
    MotionRun out = run("G28\nG1 X100 Y0\nG1 X250 Y200\n");
    assertThat(out.error()).isEqualTo("Move out of range: 250.000 200.000 0.500 [0.000]");
    assertThat(out.toolhead().position()).startsWith(100.0, 0.0, 0.5);
    assertThat(run("G28\nG1 Z200.5\n").error())
        .isEqualTo("Move out of range: 300.000 0.000 200.500 [0.000]");
  }

  @Test
  void movesPassingCloseToTheCentreSlowDownToTheAngularLimit() throws Exception {
    // 300 mm/s passing 100 mm from the centre turns the bed at 3 rad/s: fine. Passing at
    // 10 mm it would be 30 rad/s; speed and accel scale down by 5/30 (to 50 mm/s, 500).
    MotionRun r = run("G28\nG1 X100 Y-50 F18000\nM400\nPRINT_TIME\nG1 X100 Y50\nM400\n"
        + "PRINT_TIME\nG1 X10 Y-50\nM400\nPRINT_TIME\nG1 X10 Y50\nM400\nPRINT_TIME\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    List<Double> t = KinematicsRuns.printTimes(r);
    assertThat(t.get(1) - t.get(0)).isCloseTo(KinematicsRuns.trapezoidTime(100, 300, 3000),
        within(1e-6));
    assertThat(t.get(3) - t.get(2)).isCloseTo(KinematicsRuns.trapezoidTime(100, 50, 500),
        within(1e-6));
  }

  @Test
  void distanceToCentreIsThatOfTheClosestPointOfTheMove() {
    assertThat(PolarKinematics.distanceToCenter(10, -50, 10, 50)).isEqualTo(10);
    assertThat(PolarKinematics.distanceToCenter(3, 4, 30, 40)).isEqualTo(5);
    assertThat(PolarKinematics.distanceToCenter(30, 40, 3, 4)).isEqualTo(5);
    assertThat(PolarKinematics.distanceToCenter(-5, 0, 5, 0)).isZero();
  }

  @Test
  void theBedInRadiansNeedsAGearRatioAsInKlipper() throws Exception {
    // Klipper: "Option 'gear_ratio' in section 'stepper_bed' must be specified", also when a
    // rotation_distance is given instead (an angle has no rotation distance).
    String polar = MotionRun.corpusConfig("example-polar.cfg");
    MotionRun none = MotionRun.run(tmp, polar.replace("gear_ratio: 80:16\n", ""), "");
    assertThat(none.error())
        .isEqualTo("Option 'gear_ratio' in section 'stepper_bed' must be specified");
    assertThat(none.exitCode).isEqualTo(1);
    MotionRun distance = MotionRun.run(tmp, polar.replace("gear_ratio: 80:16\n",
        "rotation_distance: 40\n"), "");
    assertThat(distance.error())
        .isEqualTo("Option 'gear_ratio' in section 'stepper_bed' must be specified");
  }
}
