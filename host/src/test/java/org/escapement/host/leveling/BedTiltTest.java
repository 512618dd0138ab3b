package org.escapement.host.leveling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.escapement.host.motion.MotionRun;
import org.escapement.host.motion.ProbeResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [bed_tilt] on Klipper's example cartesian printer (Z at 400 steps/mm). */
class BedTiltTest {
  @TempDir Path tmp;

  MotionRun run(String section, String gcode) throws Exception {
    return MotionRun.run(tmp, MotionRun.corpusConfig("example-cartesian.cfg") + "\n" + section,
        gcode);
  }

  @Test
  void theTiltIsAddedToMovesAndTakenOffThePositionGcodeSees() throws Exception {
    MotionRun r = run("[bed_tilt]\nx_adjust: 0.01\ny_adjust: -0.02\nz_adjust: 0.1\n",
        "G28\nG1 X100 Y80 Z5 F6000\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    // 5 + 100·0.01 - 80·0.02 + 0.1
    assertThat(r.position("toolhead").get("Z")).isCloseTo(4.5, within(1e-9));
    assertThat(r.position("gcode").get("Z")).isCloseTo(5.0, within(1e-9));
  }

  @Test
  void thePlaneFitGivesTheSlopesAndTheHeightAtTheOrigin() {
    List<ProbeResult> probed = List.of(new ProbeResult(0, 0, 1, 0, 0, 1),
        new ProbeResult(100, 0, 2, 100, 0, 2), new ProbeResult(0, 100, 0.5, 0, 100, 0.5),
        new ProbeResult(100, 100, 1.5, 100, 100, 1.5));
    assertThat(BedTiltModule.fit(probed)).containsExactly(new double[] {0.01, -0.005, 1},
        within(1e-9));
  }

  @Test
  void bedTiltCalibrateByHandFitsTheProbedHeightsAndAppliesThem() throws Exception {
    // z = 0.5 + 0.001 x - 0.002 y at each point (whole steps of 1/400 mm).
    MotionRun r = run("[bed_tilt]\npoints:\n  50,50\n  50,150\n  150,150\n  150,50\n",
        "G28\nBED_TILT_CALIBRATE METHOD=manual\nG1 Z0.45\nACCEPT\nG1 Z0.25\nACCEPT\n"
            + "G1 Z0.35\nACCEPT\nG1 Z0.55\nACCEPT\nG1 X100 Y100 Z1 F6000\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).containsSubsequence(
        "// x_adjust: 0.001000 y_adjust: -0.002000 z_adjust: 0.500000",
        "// The above parameters have been applied to the current",
        "// session. The SAVE_CONFIG command will update the printer",
        "// config file and restart the printer.");
    // 1 + 0.1 - 0.2 + 0.5
    assertThat(r.position("toolhead").get("Z")).isCloseTo(1.4, within(1e-6));
    assertThat(r.position("gcode").get("Z")).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void configErrors() throws Exception {
    assertThat(run("[bed_tilt]\npoints:\n  50,50\n  150,150\n", "").sentOrReplies())
        .singleElement().asString().contains("Need at least 3 probe points for bed_tilt");
    // Without points there is nothing to calibrate, and no probing options.
    assertThat(run("[bed_tilt]\nhorizontal_move_z: 10\n", "").sentOrReplies())
        .singleElement().asString()
        .contains("Option 'horizontal_move_z' is not valid in section 'bed_tilt'");
    assertThat(run("[bed_tilt]\n\n[bed_mesh]\nmesh_min: 10,10\nmesh_max: 180,180\n", "")
        .sentOrReplies()).singleElement().asString()
        .contains("G-Code move transform already specified");
    assertThat(run("[bed_tilt]\n", "BED_TILT_CALIBRATE\n").replies)
        .contains("// Unknown command:\"BED_TILT_CALIBRATE\"");
  }
}
