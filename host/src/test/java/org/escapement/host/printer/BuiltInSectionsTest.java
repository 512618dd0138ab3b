package org.escapement.host.printer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sections of objects the host makes by itself load wherever they stand in the file, as in
 * Klipper: before, they failed as "not supported yet" when they came before the first stepper
 * or heater that made the object.
 */
class BuiltInSectionsTest {
  @TempDir
  Path tmp;

  @Test
  void forceMoveBeforeAnyStepperEnablesForceMove() throws Exception {
    String config = "[force_move]\nenable_force_move: True\n\n"
        + MotionRun.corpusConfig("example-cartesian.cfg");
    MotionRun run = MotionRun.run(tmp, config,
        "SET_KINEMATIC_POSITION X=10 Y=10 Z=10\nG1 X20 F3000\nM114\n");
    assertThat(run.error()).isNull();
    assertThat(run.exitCode).isZero();
    assertThat(run.replies).contains("X:20.000 Y:10.000 Z:10.000 E:0.000");
  }

  @Test
  void emptySectionsOfBuiltInObjectsLoadAtTheTopOfTheFile() throws Exception {
    String config = "[gcode_move]\n[statistics]\n[stepper_enable]\n[homing]\n"
        + "[motion_queuing]\n[heaters]\n[query_endstops]\n\n"
        + MotionRun.corpusConfig("example-cartesian.cfg");
    MotionRun run = MotionRun.run(tmp, config, "G28\n");
    assertThat(run.error()).isNull();
    assertThat(run.exitCode).isZero();
  }

  @Test
  void anOptionInABuiltInSectionIsNotValid() throws Exception {
    String config = "[statistics]\ninterval: 5\n\n"
        + MotionRun.corpusConfig("example-cartesian.cfg");
    MotionRun run = MotionRun.run(tmp, config, "");
    assertThat(run.error()).startsWith("Option 'interval' is not valid in section 'statistics'");
  }
}
