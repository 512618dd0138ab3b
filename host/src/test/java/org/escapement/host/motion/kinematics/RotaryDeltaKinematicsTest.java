package org.escapement.host.motion.kinematics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Map;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kinematics: rotary_delta on Klipper's example (shoulders 33.9 mm out at 412.9 mm, arms 170
 * and 320 mm, endstops at 252 mm; [delta_calibrate] left out).
 */
class RotaryDeltaKinematicsTest {
  @TempDir Path tmp;

  MotionRun run(String gcode) throws Exception {
    return MotionRun.run(tmp, MotionRun.corpusConfig("example-rotary-delta.cfg",
        "delta_calibrate") + KinematicsRuns.PRINT_TIME_MACRO, gcode);
  }

  @Test
  void homesAllArmsTogetherToTheEndstopHeight() throws Exception {
    MotionRun r = run("G28\nHOMED\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(KinematicsRuns.homed(r)).containsExactly("xyz");
    Map<String, Double> head = r.position("toolhead");
    assertThat(head.get("X")).isCloseTo(0, within(1e-6));
    assertThat(head.get("Y")).isCloseTo(0, within(1e-6));
    assertThat(head.get("Z")).isCloseTo(252, within(1e-6));
  }

  @Test
  void shoulderAnglesFollowTheEffector() throws Exception {
    MotionRun r = run("G28\nG1 X40 Y-30 Z20 F6000\nM84\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    Map<String, Double> s = r.position("stepper");
    double stepRad = 2 * Math.PI / (200 * 16 * (107.0 / 16) * (60.0 / 16));
    double[] head = {40, -30, 20};
    double[] angles = {30, 150, 270};
    for (int i = 0; i < 3; i++) {
      assertThat(s.get("stepper_" + "abc".charAt(i))).isCloseTo(StepTimingTest.shoulderAngle(
          head, Math.toRadians(angles[i]), 33.9, 412.9, 170, 320), within(stepRad));
    }
    KinematicsRuns.assertStreamMatchesHostPositions(r);
  }

  @Test
  void refusesMovesBeforeHomingAndOutsideTheArmsReach() throws Exception {
    assertThat(run("G1 X0 Y0 Z10\n").error())
        .isEqualTo("Must home first: 0.000 0.000 10.000 [0.000]");
    // The reach: shoulder radius + upper arm = 203.9 mm.
    assertThat(run("G28\nG1 X0 Y0 Z10\nG1 X204\n").error())
        .isEqualTo("Move out of range: 204.000 0.000 10.000 [0.000]");
  }
}
