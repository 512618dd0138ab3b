package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.escapement.host.motion.MotionRun;
import org.escapement.host.motion.StepTimeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [safe_z_home] on Klipper's example cartesian printer (Z: 400 steps/mm on PL3, endstop at
 * 0.5 mm; X on PF0).
 */
class SafeZHomeModuleTest {
  @TempDir Path tmp;

  MotionRun run(String options, String gcode) throws Exception {
    return MotionRun.run(tmp, MotionRun.corpusConfig("example-cartesian.cfg")
        + "\n[safe_z_home]\nhome_xy_position: 100, 80\n" + options + HomingOverrideModuleTest
        .HOMED, gcode);
  }

  @Test
  void homesZOverTheGivenPointAfterXAndY() throws Exception {
    MotionRun r = run("", "G28\nHOMED\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).contains("// homed=xyz");
    assertThat(r.position("toolhead")).containsEntry("X", 100.0).containsEntry("Y", 80.0)
        .containsEntry("Z", 0.5);
  }

  @Test
  void zHopLiftsBeforeHomingAndAfterAndMoveToPreviousReturns() throws Exception {
    MotionRun r = run("z_hop: 10\nmove_to_previous: True\n", "G28\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    // Back at the XY where X and Y finished homing, 10 mm up.
    assertThat(r.position("toolhead")).containsEntry("X", 0.0).containsEntry("Y", 0.0)
        .containsEntry("Z", 10.0);
    // The first thing to move is Z: 10 mm (4000 steps) before X starts homing.
    StepTimeline.Steps z = r.steps().get("PL3");
    long firstX = r.steps().get("PF0").clocks.get(0);
    long zBefore = z.clocks.stream().filter(c -> c < firstX).count();
    assertThat(zBefore).isEqualTo(4000);
  }

  @Test
  void homingOnlyZNeedsXAndYHomed() throws Exception {
    MotionRun r = run("", "G28 Z\n");
    assertThat(r.error()).isEqualTo("Must home X and Y axes first");
    MotionRun ok = run("", "G28 X Y\nG28 Z\nGET_POSITION\n");
    assertThat(ok.exitCode).as(ok.replies.toString()).isZero();
    assertThat(ok.position("toolhead")).containsEntry("X", 100.0).containsEntry("Z", 0.5);
  }

  @Test
  void needsTheHomingPointAndAZAxis() throws Exception {
    MotionRun r = MotionRun.run(tmp, MotionRun.corpusConfig("example-cartesian.cfg")
        + "\n[safe_z_home]\nz_hop: 5\n", "");
    assertThat(r.error()).isEqualTo(
        "Option 'home_xy_position' in section 'safe_z_home' must be specified");
    MotionRun delta = MotionRun.run(tmp, MotionRun.corpusConfig("example-delta.cfg",
        "delta_calibrate") + "\n[safe_z_home]\nhome_xy_position: 0, 0\n", "");
    assertThat(delta.error()).isEqualTo("Missing Z endstop config for safe_z_homing");
  }
}
