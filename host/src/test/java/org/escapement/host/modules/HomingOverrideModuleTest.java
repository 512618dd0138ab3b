package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [homing_override] on Klipper's example cartesian printer (Z endstop at 0.5 mm). */
class HomingOverrideModuleTest {
  @TempDir Path tmp;

  static final String HOMED = """

      [gcode_macro HOMED]
      gcode:
        {action_respond_info("homed=" + printer.toolhead.homed_axes)}
      """;

  static final String OVERRIDE = """

      [homing_override]
      set_position_z: 0
      axes: z
      gcode:
        G1 Z5 F600
        G28 X Y
        G1 X100 Y100 F6000
        G28 Z
        G1 Z{params.Z|default(1)|float + 2}
      """;

  MotionRun run(String sections, String gcode) throws Exception {
    return MotionRun.run(tmp, MotionRun.corpusConfig("example-cartesian.cfg") + HOMED
        + sections, gcode);
  }

  @Test
  void g28RunsTheScriptInWhichG28HomesForReal() throws Exception {
    MotionRun r = run(OVERRIDE, "G28\nHOMED\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).contains("// homed=xyz");
    Map<String, Double> head = r.position("toolhead");
    assertThat(head).containsEntry("X", 100.0).containsEntry("Y", 100.0)
        .containsEntry("Z", 3.0);
  }

  @Test
  void theScriptSeesTheG28Parameters() throws Exception {
    MotionRun r = run(OVERRIDE, "G28 Z7\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.position("toolhead")).containsEntry("Z", 9.0);
  }

  @Test
  void axesNotListedHomeDirectly() throws Exception {
    MotionRun r = run(OVERRIDE, "G28 X\nHOMED\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).contains("// homed=x");
    assertThat(r.position("toolhead")).containsEntry("X", 0.0).containsEntry("Z", 0.0);
  }

  @Test
  void withoutSetPositionTheScriptCannotMoveAnUnhomedAxis() throws Exception {
    MotionRun r = run(OVERRIDE.replace("set_position_z: 0\n", ""), "G28\n");
    assertThat(r.error()).isEqualTo("Must home axis first: 0.000 0.000 5.000 [0.000]");
  }

  @Test
  void cannotBeCombinedWithSafeZHome() throws Exception {
    MotionRun r = run(OVERRIDE + "\n[safe_z_home]\nhome_xy_position: 100, 100\n", "");
    assertThat(r.error())
        .isEqualTo("homing_override and safe_z_homing cannot be used simultaneously");
  }
}
