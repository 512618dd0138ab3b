package org.escapement.host.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manual probe on Klipper's example cartesian printer (Z endstop at 0.5, 400 steps/mm):
 * TESTZ moves, the heights it reports, ACCEPT and ABORT, and the commands built on it.
 */
class ManualProbeTest {
  @TempDir Path tmp;

  static final String STATUS = """

      [gcode_macro MP]
      gcode:
        {action_respond_info("active=" + printer.manual_probe.is_active|string
          + " z=" + printer.manual_probe.z_position|string)}
      """;

  MotionRun run(String extra, String gcode) throws Exception {
    return MotionRun.run(tmp, MotionRun.corpusConfig("example-cartesian.cfg") + STATUS + extra,
        gcode);
  }

  @Test
  void testzBisectsBetweenTheHeightsTriedAndAcceptReportsTheHeight() throws Exception {
    MotionRun r = run("", "G28\nG1 X20 Y20 Z5\nMANUAL_PROBE\nMP\nTESTZ Z=-1\nTESTZ Z=+\n"
        + "TESTZ Z=-\nTESTZ Z=--\nACCEPT\nMP\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).containsSubsequence(
        "// Starting manual Z probe. Use TESTZ to adjust position.",
        "// Finish with ACCEPT or ABORT command.",
        "// Z position: ?????? --> 5.000 <-- ??????",
        // read back from the steppers' positions: 5 to within rounding
        "// active=True z=5.000000000000083",
        "// Z position: ?????? --> 4.000 <-- 5.000",
        // halfway to 5 would be 4.5: at most 0.2 at a time
        "// Z position: 4.000 --> 4.200 <-- 5.000",
        "// Z position: 4.000 --> 4.100 <-- 4.200",
        "// Z position: ?????? --> 4.000 <-- 4.100",
        "// Z position is 4.000",
        "// active=False z=None");
    assertThat(r.position("toolhead")).containsEntry("Z", 4.0);
  }

  @Test
  void acceptWithoutGoingDownFailsAndAbortEnds() throws Exception {
    MotionRun r = run("", "G28\nG1 Z5\nMANUAL_PROBE\nACCEPT\nMANUAL_PROBE\nTESTZ Z=-1\nABORT\n"
        + "ACCEPT\n");
    assertThat(r.replies).containsSubsequence(
        "// Manual probe failed! Use TESTZ commands to position the",
        "// nozzle prior to running ACCEPT.",
        "// Z position: ?????? --> 4.000 <-- 5.000");
    assertThat(r.replies).noneMatch(l -> l.startsWith("// Z position is"));
    // After ABORT, ACCEPT is no longer a command.
    assertThat(r.replies).contains("// Unknown command:\"ACCEPT\"");
  }

  @Test
  void onlyOneManualProbeAtATime() throws Exception {
    MotionRun r = run("", "G28\nG1 Z5\nMANUAL_PROBE\nZ_ENDSTOP_CALIBRATE\n");
    assertThat(r.error()).isEqualTo("Already in a manual Z probe. Use ABORT to abort it.");
  }

  @Test
  void zEndstopCalibrateMovesTheEndstopByTheHeightFound() throws Exception {
    MotionRun r = run("", "G28\nG1 Z5\nZ_ENDSTOP_CALIBRATE SPEED=10\nTESTZ Z=-4.8\nACCEPT\n"
        + "Z_OFFSET_APPLY_ENDSTOP\nSET_GCODE_OFFSET Z=0.1\nZ_OFFSET_APPLY_ENDSTOP\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    // The nozzle touched at 0.2 where the endstop said 0: the endstop is at 0.5 - 0.2.
    assertThat(r.replies).containsSubsequence(
        "// stepper_z: position_endstop: 0.300",
        "// The SAVE_CONFIG command will update the printer config file",
        "// with the above and restart the printer.",
        "// Nothing to do: Z Offset is 0",
        "// stepper_z: position_endstop: 0.400");
  }

  @Test
  void testzMovesDownByWayOfHalfAMillimetreAbove() throws Exception {
    // Going down 1 mm: straight down. Going up 0.2 from 4: first to 4.7, then down to 4.2.
    MotionRun down = run("", "G28\nG1 Z5\nMANUAL_PROBE\nTESTZ Z=-1\n");
    MotionRun upAgain = run("", "G28\nG1 Z5\nMANUAL_PROBE\nTESTZ Z=-1\nTESTZ Z=+\n");
    int stepsDown = down.steps().get("PL3").clocks.size();
    int stepsUp = upAgain.steps().get("PL3").clocks.size();
    assertThat(stepsUp - stepsDown).isEqualTo((int) Math.round((0.7 + 0.5) * 400));
  }

  @Test
  void probeCalibrateSetsTheOffsetFromTheProbeAndTheNozzle() throws Exception {
    String probe = "\n[probe]\npin: ^PD2\nz_offset: 1.25\n" + ProbeModuleTest.REPORT;
    MotionRun r = run(probe, "G28\nG1 X50 Y60 Z10\nPROBE_CALIBRATE\nABORT\n"
        + "PROBE_CALIBRATE SPEED=7.3\nTESTZ Z=-4.9\nACCEPT\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    // The probe triggers at Z 0 (batch mode), so the nozzle would touch at -1.25; the head
    // rises 5 mm, and the nozzle really touches at 0.1: the probe is 1.25 - 0.1 - 1.25 above.
    assertThat(r.replies).containsSubsequence(
        "// probe: at 50.000,60.000 bed will contact at z=-1.250000",
        "// Z position: ?????? --> 5.000 <-- ??????",
        "// Z position: ?????? --> 0.100 <-- 5.000",
        "// probe: z_offset: -0.100");
    assertThat(r.position("toolhead")).containsEntry("Z", 0.1).containsEntry("X", 50.0);
  }
}
