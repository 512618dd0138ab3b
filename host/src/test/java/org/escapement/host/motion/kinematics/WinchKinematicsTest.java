package org.escapement.host.motion.kinematics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Map;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kinematics: winch on Klipper's example (four anchors; no endstops, no range checks). */
class WinchKinematicsTest {
  static final double[][] ANCHORS = {{0, -2000, -100}, {2000, 1000, -100},
      {-2000, 1000, -100}, {0, 0, 3000}};
  @TempDir Path tmp;

  MotionRun run(String gcode) throws Exception {
    return MotionRun.run(tmp, MotionRun.corpusConfig("example-winch.cfg")
        + KinematicsRuns.PRINT_TIME_MACRO, gcode);
  }

  @Test
  void homingDeclaresTheOriginWithoutMoving() throws Exception {
    MotionRun r = run("HOMED\nG28\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(KinematicsRuns.homed(r)).containsExactly("xyz");
    assertThat(r.position("toolhead")).containsEntry("X", 0.0).containsEntry("Y", 0.0)
        .containsEntry("Z", 0.0);
    assertThat(r.sent).noneMatch(l -> l.startsWith("queue_step"));
  }

  @Test
  void eachCableIsTheDistanceToItsAnchor() throws Exception {
    MotionRun r = run("G1 X50 Y20 Z10 F6000\nG1 X-30 Y40 Z60\nM84\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    Map<String, Double> s = r.position("stepper");
    for (int i = 0; i < 4; i++) {
      double[] a = ANCHORS[i];
      double expected = Math.sqrt((a[0] + 30) * (a[0] + 30) + (a[1] - 40) * (a[1] - 40)
          + (a[2] - 60) * (a[2] - 60));
      assertThat(s.get("stepper_" + "abcd".charAt(i))).isCloseTo(expected, within(0.0125));
    }
    KinematicsRuns.assertStreamMatchesHostPositions(r);
  }

  @Test
  void anchorsOnOneLineAreRefused() throws Exception {
    String cfg = MotionRun.corpusConfig("example-winch.cfg")
        .replace("anchor_x: 2000\nanchor_y: 1000", "anchor_x: 0\nanchor_y: -1000")
        .replace("anchor_x: -2000\nanchor_y: 1000", "anchor_x: 0\nanchor_y: 1000");
    MotionRun r = MotionRun.run(tmp, cfg, "");
    assertThat(r.error()).startsWith("The anchors of stepper_a, stepper_b and stepper_c");
  }
}
