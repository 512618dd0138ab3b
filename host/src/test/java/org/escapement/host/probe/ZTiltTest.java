package org.escapement.host.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.escapement.host.motion.MotionRun;
import org.escapement.host.motion.ProbeResult;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Z_TILT_ADJUST and QUAD_GANTRY_LEVEL on Klipper's z_tilt test printer: four Z motors of 400
 * steps/mm, pivots at (-55,-7), (-55,320), (305,-7), (305,320).
 */
class ZTiltTest {
  @TempDir Path tmp;

  /** Klipper's test config without the sections another test exercises. */
  static String config(String... drop) throws Exception {
    List<String> out = new ArrayList<>();
    boolean dropping = false;
    for (String line : Files.readAllLines(Shared.dir().resolve("corpus/klipper-tests")
        .resolve("z_tilt.cfg"))) {
      String l = line.strip();
      if (l.startsWith("[") && l.endsWith("]")) {
        dropping = List.of(drop).contains(l.substring(1, l.length() - 1));
      }
      if (!dropping) {
        out.add(line);
      }
    }
    return String.join("\n", out) + "\n";
  }

  /**
   * Klipper's test heights. The manual probe reads the height back from the steppers, which
   * stand on whole steps (1/400 mm): 2.909972 is read as 2.910, 2.924972 as 2.925 and
   * 2.959972 as 2.960, as Klipper reads them.
   */
  static final String MANUAL_HEIGHTS = "G1 Z2.909972\nACCEPT\nG1 Z2.924972\nACCEPT\n"
      + "G1 Z2.959972\nACCEPT\nG1 Z2.924972\nACCEPT\n";

  @Test
  void thePlaneFitGivesEachPivotItsHeight() {
    // z = 0.1 + 0.001 x - 0.002 y, probed at four points (probe results exact).
    List<ProbeResult> probed = new ArrayList<>();
    for (double[] p : new double[][] {{50, 50}, {50, 195}, {195, 195}, {195, 50}}) {
      double z = 0.1 + 0.001 * p[0] - 0.002 * p[1];
      probed.add(new ProbeResult(p[0], p[1], z, p[0], p[1], z));
    }
    double[] adjust = ZTiltModule.adjustments(probed, List.of(new double[] {-55, -7},
        new double[] {-55, 320}, new double[] {305, -7}));
    // 0.1 - 0.055 + 0.014; 0.1 - 0.055 - 0.64; 0.1 + 0.305 + 0.014
    assertThat(adjust).containsExactly(new double[] {0.059, -0.595, 0.419}, within(1e-9));
  }

  @Test
  void anUndeterminedUnknownIsTakenAsZero() {
    // Two points at one Y cannot tell the height at Y 0 from the Y slope: the system is
    // solved from the last unknown back, and the first (the height at 0,0) is left at 0, as
    // Klipper does: z = 0.01 x + 0.1 y.
    List<ProbeResult> probed = List.of(new ProbeResult(0, 10, 1, 0, 10, 1),
        new ProbeResult(100, 10, 2, 100, 10, 2));
    double[] adjust = ZTiltModule.adjustments(probed, List.of(new double[] {0, 0},
        new double[] {200, 50}));
    assertThat(adjust).containsExactly(new double[] {0, 7}, within(1e-9));
  }

  @Test
  void zTiltAdjustByHandMovesEachMotorByItsPivotsHeight() throws Exception {
    MotionRun r = MotionRun.run(tmp, config("bed_tilt", "quad_gantry_level"),
        "G28\nG1 Z5 X10 Y10 F6000\nZ_TILT_ADJUST METHOD=MANUAL\n" + MANUAL_HEIGHTS
            + "G1 Z5 X10 Y10 F6000\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    // The plane through the four heights (x and y slopes 0.025/145), at each pivot.
    assertThat(r.replies).containsSubsequence("// Making the following Z adjustments:",
        "// stepper_z = 2.877069", "// stepper_z1 = 2.933448", "// stepper_z2 = 2.939138",
        "// stepper_z3 = 2.995517");
    // Each motor rises by its adjustment less the lowest one; the toolhead's Z stays.
    Map<String, Double> mcu = r.position("mcu");
    assertThat(mcu.get("stepper_z1") - mcu.get("stepper_z")).isCloseTo(0.056379 * 400,
        within(1.0));
    assertThat(mcu.get("stepper_z2") - mcu.get("stepper_z")).isCloseTo(0.062069 * 400,
        within(1.0));
    assertThat(mcu.get("stepper_z3") - mcu.get("stepper_z")).isCloseTo(0.118448 * 400,
        within(1.0));
    assertThat(r.position("toolhead")).containsEntry("Z", 5.0);
  }

  @Test
  void zTiltAdjustWithTheProbeAndRetries() throws Exception {
    // Batch mode: the probe triggers at Z 0 everywhere, so the bed is level at once.
    MotionRun r = MotionRun.run(tmp, config("bed_tilt", "quad_gantry_level")
        + "\n[gcode_macro APPLIED]\ngcode:\n  {action_respond_info(\"applied=\""
        + " + printer.z_tilt.applied|string)}\n",
        "G28\nAPPLIED\nZ_TILT_ADJUST RETRIES=2 RETRY_TOLERANCE=0.01\nAPPLIED\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).containsSubsequence("// applied=False",
        "// probe: at 50.000,50.000 bed will contact at z=-1.150000",
        "// stepper_z = -1.150000",
        "// Retries: 0/2 Probed points range: 0.000000 tolerance: 0.010000",
        "// applied=True");
  }

  @Test
  void quadGantryLevelByHandLevelsToTheAverage() throws Exception {
    MotionRun r = MotionRun.run(tmp, config("bed_tilt", "z_tilt"),
        "G28\nG1 Z5 X10 Y10 F6000\nQUAD_GANTRY_LEVEL METHOD=MANUAL\n" + MANUAL_HEIGHTS);
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).containsSubsequence("// Gantry-relative probe points:",
        "// 0: 2.090000 1: 2.075000 2: 2.040000 3: 2.075000",
        "// Actuator Positions:",
        "// z: 2.096245 z1: 2.084800 z2: 2.000200 z3: 2.070505",
        "// Average: 2.062938",
        "// Making the following Z adjustments:",
        "// stepper_z = -0.033308", "// stepper_z1 = -0.021863", "// stepper_z2 = 0.062738",
        "// stepper_z3 = -0.007568");
  }

  @Test
  void errorsSayWhatKlipperSays() throws Exception {
    // Front pair 4 below the gantry, rear pair 1: at the corners (y -7 and 320) 4.105 and
    // -0.8, average 1.6525, so the rear motors must rise 2.4525.
    MotionRun r = MotionRun.run(tmp, config("bed_tilt", "z_tilt").replace(
        "[quad_gantry_level]\n", "[quad_gantry_level]\nmax_adjust: 1\n"),
        "G28\nG1 Z5\nQUAD_GANTRY_LEVEL METHOD=manual\nG1 Z1\nACCEPT\nG1 Z4\n"
            + "ACCEPT\nG1 Z4\nACCEPT\nG1 Z1\nACCEPT\n");
    assertThat(r.error()).isEqualTo("Aborting quad_gantry_level required adjustment 2.452500"
        + " is greater than max_adjust 1.000000");
    String twoZ = config("bed_tilt", "quad_gantry_level", "stepper_z2", "stepper_z3");
    assertThat(MotionRun.run(tmp, twoZ, "").error())
        .isEqualTo("z_tilt z_positions needs exactly 2 items");
    assertThat(MotionRun.run(tmp, config("bed_tilt", "z_tilt").replace("    225,0\n", ""), "")
        .error()).isEqualTo("Need exactly 4 probe points for quad_gantry_level");
    assertThat(MotionRun.run(tmp, config("bed_tilt", "quad_gantry_level"),
        "G28\nZ_TILT_ADJUST HORIZONTAL_MOVE_Z=1\n").error())
        .isEqualTo("horizontal_move_z can't be less than probe's z_offset");
  }
}
