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
 * kinematics: deltesian on Klipper's example (arms 217 mm, pivots 160 mm to each side,
 * endstops at 268 mm): X reaches ±56 mm, moves past 45.9 mm are slowed to half and past
 * 51.2 mm to a quarter.
 */
class DeltesianKinematicsTest {
  @TempDir Path tmp;

  MotionRun run(String gcode) throws Exception {
    return MotionRun.run(tmp, MotionRun.corpusConfig("example-deltesian.cfg")
        + KinematicsRuns.PRINT_TIME_MACRO, gcode);
  }

  static double carriage(double pivot, double x, double z) {
    return Math.sqrt(217.0 * 217.0 - (x - pivot) * (x - pivot)) + z;
  }

  @Test
  void homesXAndZTogetherAndYOnItsOwn() throws Exception {
    MotionRun r = run("G28 X\nHOMED\nG28 Y\nHOMED\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(KinematicsRuns.homed(r)).containsExactly("xz", "xyz");
    Map<String, Double> head = r.position("toolhead");
    assertThat(head.get("X")).isEqualTo(0.0);
    assertThat(head.get("Z")).isCloseTo(268, within(1e-9));
  }

  @Test
  void refusesMovesAlongAnAxisNotHomedOrOutOfReach() throws Exception {
    assertThat(run("G28 Z\nG1 Y10\n").error())
        .isEqualTo("Must home axis first: 0.000 10.000 268.000 [0.000]");
    assertThat(run("G28\nG1 Z10\nG1 X57\n").error())
        .isEqualTo("Move out of range: 57.000 0.000 10.000 [0.000]");
    // Near the top the reach depends on X: 250 mm is fine at X 0, not at X 40 (Klipper only
    // checks this when Z moves; the carriage would hit the top all the same).
    MotionRun top = run("G28\nG1 X0 Z250\nG1 X40\n");
    assertThat(top.error()).isEqualTo("Move out of range: 40.000 0.000 250.000 [0.000]");
    assertThat(top.toolhead().position()).startsWith(0.0, 0.0, 250.0);
  }

  @Test
  void carriagesFollowTheArmsAndTheStreamAgrees() throws Exception {
    MotionRun r = run("G28\nG1 X30 Y50 Z20 F6000\nG1 X-25 Y10 Z5\nM84\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    Map<String, Double> s = r.position("stepper");
    assertThat(s.get("stepper_left")).isCloseTo(carriage(-160, -25, 5), within(0.0125));
    assertThat(s.get("stepper_right")).isCloseTo(carriage(160, -25, 5), within(0.0125));
    assertThat(s.get("stepper_y")).isCloseTo(10, within(0.0125));
    KinematicsRuns.assertStreamMatchesHostPositions(r);
  }

  @Test
  void slowsMovesFarOutInX() throws Exception {
    MotionRun r = run("G28\nG1 X0 Z10 F6000\nM400\nPRINT_TIME\nG1 X10\nM400\nPRINT_TIME\n"
        + "G1 X40\nM400\nPRINT_TIME\nG1 X50\nM400\nPRINT_TIME\nG1 X40\nG1 X54\nM400\n"
        + "PRINT_TIME\nG1 X44\nM400\nPRINT_TIME\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    List<Double> t = KinematicsRuns.printTimes(r);
    assertThat(t.get(1) - t.get(0)).isCloseTo(KinematicsRuns.trapezoidTime(10, 100, 3000),
        within(1e-6));
    // max_velocity is 500 here: at 100 mm/s only the acceleration limit bites.
    assertThat(t.get(3) - t.get(2)).isCloseTo(KinematicsRuns.trapezoidTime(10, 100, 1500),
        within(1e-6));
    assertThat(t.get(5) - t.get(4)).isCloseTo(KinematicsRuns.trapezoidTime(10, 100, 750),
        within(1e-6));
  }

  @Test
  void aRightArmDefaultingToAShortLeftArmIsRefused() throws Exception {
    // arm_length of stepper_right defaults to stepper_left's; the bound "above its own
    // arm_x_length" is not checked on a default, so the geometry is checked on its own.
    String cfg = MotionRun.corpusConfig("example-deltesian.cfg").replace(
        "endstop_pin: ^PD3\n", "endstop_pin: ^PD3\narm_x_length: 220\n");
    MotionRun r = MotionRun.run(tmp, cfg, "");
    assertThat(r.error()).isEqualTo("Option 'arm_length' in section 'stepper_right' must be"
        + " above 220.0 (it defaults to stepper_left's 217.0)");
    assertThat(r.exitCode).isEqualTo(1);
  }
}
