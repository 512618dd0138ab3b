package org.escapement.host.leveling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.escapement.host.motion.MotionRun;
import org.escapement.host.motion.StepTimeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [bed_mesh] on Klipper's example cartesian printer (Z: 400 steps/mm on PL3). In batch mode a
 * probe always triggers at Z 0, so a calibrated mesh is flat; a tilted one is loaded from a
 * profile in the config.
 */
class BedMeshModuleTest {
  @TempDir Path tmp;

  /** The bed rises 1 mm from X 0 to X 100 (flat along Y): z = x / 100. */
  static final String TILT = """

      [bed_mesh tilt]
      version = 1
      points =
        0.000000, 0.500000, 1.000000
        0.000000, 0.500000, 1.000000
        0.000000, 0.500000, 1.000000
      x_count = 3
      y_count = 3
      mesh_x_pps = 0
      mesh_y_pps = 0
      algo = direct
      tension = 0.2
      min_x = 0.0
      max_x = 100.0
      min_y = 0.0
      max_y = 100.0
      """;

  static final String STATUS = """

      [gcode_macro MESH]
      gcode:
        {action_respond_info("name=%s min=%s max=%s profiles=%s" % (
          printer.bed_mesh.profile_name, printer.bed_mesh.mesh_min, printer.bed_mesh.mesh_max,
          printer.bed_mesh.profiles|length))}
      """;

  static String printer(String bedMesh) throws Exception {
    return MotionRun.corpusConfig("example-cartesian.cfg") + "\n[probe]\npin: ^PD2\n"
        + "z_offset: 1.0\n\n[bed_mesh]\n" + bedMesh + STATUS;
  }

  MotionRun run(String bedMesh, String gcode) throws Exception {
    return MotionRun.run(tmp, printer(bedMesh), gcode);
  }

  static final String SQUARE = "mesh_min: 0, 0\nmesh_max: 100, 100\n";

  @Test
  void movesAcrossATiltedMeshAreSplitAndFollowTheBed() throws Exception {
    MotionRun r = run(SQUARE + TILT, "G28\nG1 X0 Y50 Z2 F3000\nBED_MESH_PROFILE LOAD=tilt\n"
        + "GET_POSITION\nG1 X100\nGET_POSITION\nMESH\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.position("toolhead").get("Z")).isCloseTo(3.0, within(1e-9));
    assertThat(r.position("gcode").get("Z")).isCloseTo(2.0, within(1e-9));
    assertThat(r.replies).contains("// name=tilt min=[0.0, 0.0] max=[100.0, 100.0]"
        + " profiles=1");
    // Z: 1.5 mm up from the endstop, then 1 mm more across the bed, 400 steps a mm.
    StepTimeline.Steps z = r.steps().get("PL3");
    int homing = run(SQUARE, "G28\n").steps().get("PL3").clocks.size();
    assertThat(z.clocks).hasSize(homing + 600 + 400);
    // The last 400 Z steps come while X moves: the move was cut every 5 mm (0.05 mm of Z,
    // over split_delta_z), so Z rises along the move, not at its end.
    List<Long> tiltSteps = z.clocks.subList(z.clocks.size() - 400, z.clocks.size());
    List<Long> x = r.steps().get("PF0").clocks;
    long xEnd = x.get(x.size() - 1);
    long xStart = x.get(x.size() - 100 * 80); // 80 steps a mm on X
    assertThat(tiltSteps.get(0) - xStart).isLessThan((xEnd - xStart) / 10);
    assertThat(xEnd - tiltSteps.get(399)).isLessThan((xEnd - xStart) / 10);
  }

  @Test
  void theCorrectionFadesOutBetweenFadeStartAndFadeEnd() throws Exception {
    // At Z 2, a quarter of the way from fade_start 1 to fade_end 5: three quarters of the mesh.
    String fade = SQUARE + "fade_start: 1\nfade_end: 5\nfade_target: 0\n" + TILT;
    MotionRun r = run(fade, "G28\nG1 X0 Y50 Z2 F3000\nBED_MESH_PROFILE LOAD=tilt\nG1 X100\n"
        + "GET_POSITION\nG1 Z6\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.position("toolhead").get("Z")).isCloseTo(6.0, within(1e-9));
    MotionRun half = run(fade, "G28\nG1 X0 Y50 Z2 F3000\nBED_MESH_PROFILE LOAD=tilt\n"
        + "G1 X100\nGET_POSITION\n");
    assertThat(half.position("toolhead").get("Z")).isCloseTo(2.75, within(1e-9));
    assertThat(half.position("gcode").get("Z")).isCloseTo(2.0, within(1e-9));
  }

  @Test
  void calibrateProbesTheGridSavesTheProfileAndSaveConfigKeepsIt() throws Exception {
    MotionRun r = run(SQUARE + "probe_count: 3, 3\n", "G28\nBED_MESH_CALIBRATE\nMESH\n"
        + "BED_MESH_OUTPUT\nBED_MESH_MAP\nSAVE_CONFIG\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    // Nine points, the probe 1 mm above the nozzle: the bed is at -1 everywhere.
    assertThat(r.replies.stream().filter(l -> l.startsWith("// probe: at"))).containsExactly(
        "// probe: at 0.000,0.000 bed will contact at z=-1.000000",
        "// probe: at 50.000,0.000 bed will contact at z=-1.000000",
        "// probe: at 100.000,0.000 bed will contact at z=-1.000000",
        "// probe: at 100.000,50.000 bed will contact at z=-1.000000",
        "// probe: at 50.000,50.000 bed will contact at z=-1.000000",
        "// probe: at -0.000,50.000 bed will contact at z=-1.000000", // X from steps, a hair < 0
        "// probe: at -0.000,100.000 bed will contact at z=-1.000000",
        "// probe: at 50.000,100.000 bed will contact at z=-1.000000",
        "// probe: at 100.000,100.000 bed will contact at z=-1.000000");
    assertThat(r.replies).containsSubsequence("// Mesh Bed Leveling Complete",
        "// Bed Mesh state has been saved to profile [default]",
        "// name=default min=[0.0, 0.0] max=[100.0, 100.0] profiles=1",
        "// Mesh Leveling Probed Z positions:", "// -1.000000 -1.000000 -1.000000",
        "Mesh X,Y: 7,7", "Search Height: 5", "Mesh Offsets: X=0.0000, Y=0.0000",
        "Mesh Average: -1.00", "Mesh Range: min=-1.0000 max=-1.0000",
        "Interpolation Algorithm: lagrange",
        "mesh_map_output {\"mesh_min\": [0.0, 0.0], \"mesh_max\": [100.0, 100.0],"
            + " \"z_positions\": [[-1.0, -1.0, -1.0], [-1.0, -1.0, -1.0], [-1.0, -1.0, -1.0]]}");
    String saved = Files.readString(tmp.resolve("printer.cfg"));
    assertThat(saved).contains("#*# [bed_mesh default]\n#*# version = 1\n#*# points =\n"
        + "#*# \t  -1.000000, -1.000000, -1.000000\n#*# \t  -1.000000, -1.000000, -1.000000\n"
        + "#*# \t  -1.000000, -1.000000, -1.000000\n#*# x_count = 3\n#*# y_count = 3\n"
        + "#*# mesh_x_pps = 2\n#*# mesh_y_pps = 2\n#*# algo = lagrange\n#*# tension = 0.2\n"
        + "#*# min_x = 0.0\n#*# max_x = 100.0\n#*# min_y = 0.0\n#*# max_y = 100.0\n");
    // The next start knows the profile; loading it puts the bed 1 mm lower under the nozzle.
    MotionRun next = MotionRun.run(tmp, saved, "G28\nG1 X50 Y50 Z5 F3000\n"
        + "BED_MESH_PROFILE LOAD=default\nG1 Z5\nGET_POSITION\nMESH\n"
        + "BED_MESH_PROFILE REMOVE=default\nMESH\nBED_MESH_CLEAR\nMESH\n");
    assertThat(next.exitCode).as(next.replies.toString()).isZero();
    assertThat(next.position("toolhead").get("Z")).isCloseTo(4.0, within(1e-9));
    assertThat(next.replies).containsSubsequence(
        "// name=default min=[0.0, 0.0] max=[100.0, 100.0] profiles=1",
        "// Profile [default] removed from storage for this session.",
        "// name=default min=[0.0, 0.0] max=[100.0, 100.0] profiles=0",
        "// name= min=[0.0, 0.0] max=[0.0, 0.0] profiles=0");
  }

  @Test
  void faultyPointsAreReplacedByTheRegionsEdges() throws Exception {
    // Probe points at x, y = 0, 50, 100; (50, 50) lies in the region, whose edges on its row
    // and column are probed instead (in the reversed order on the odd row).
    MotionRun r = run(SQUARE + "faulty_region_1_min: 40, 40\nfaulty_region_1_max: 60, 70\n",
        "G28\nBED_MESH_OUTPUT PGP=1\nBED_MESH_CALIBRATE\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).contains("// bed_mesh: faulty region points",
        "// 4 (50.00, 50.00), substituted points: [(60.0, 50.0), (50.0, 40.0), (50.0, 70.0),"
            + " (40.0, 50.0)]");
    // (X comes back from the steps, at times a hair below 0: "-0.000".)
    assertThat(r.replies.stream().filter(l -> l.startsWith("// probe: at")).map(l -> l
        .substring(13, l.indexOf(" bed")).replace("-0.000", "0.000")))
        .containsExactly("0.000,0.000", "50.000,0.000", "100.000,0.000", "100.000,50.000", "60.000,50.000", "50.000,40.000", "50.000,70.000",
        "40.000,50.000", "0.000,50.000", "0.000,100.000", "50.000,100.000", "100.000,100.000");
    assertThat(r.replies).contains("// Mesh Bed Leveling Complete");
  }

  @Test
  void errorsSayWhatKlipperSays() throws Exception {
    assertThat(run("", "").error()).isEqualTo("Option 'mesh_min' in section 'bed_mesh' must be"
        + " specified");
    assertThat(run("mesh_min: 10, 10\nmesh_max: 10, 100\n", "").error())
        .isEqualTo("bed_mesh: invalid min/max points");
    assertThat(run(SQUARE + "probe_count: 2\n", "").error())
        .isEqualTo("Option 'probe_count' in section bed_mesh must have a minimum of 3");
    assertThat(run(SQUARE + "probe_count: 7, 7\n", "").error())
        .isEqualTo("bed_mesh: cannot exceed a probe_count of 6 when using lagrange"
            + " interpolation. Configured Probe Count: 7, 7");
    assertThat(run(SQUARE + "algorithm: spline\n", "").error())
        .isEqualTo("bed_mesh: Unknown algorithm <spline>");
    assertThat(run(SQUARE + "probe_count: 3, 7\nalgorithm: bicubic\n", "").error())
        .startsWith("bed_mesh: invalid probe_count option when using bicubic interpolation.");
    assertThat(run("mesh_radius: 50\nround_probe_count: 4\n", "").error())
        .isEqualTo("bed_mesh: probe_count must be odd for round beds");
    assertThat(run("mesh_min: 0, 0\nmesh_max: 3, 3\nprobe_count: 5\n", "").error())
        .isEqualTo("bed_mesh: min/max points too close together");
    assertThat(run(SQUARE + "faulty_region_1_min: 10, 10\nfaulty_region_1_max: 30, 30\n"
        + "faulty_region_2_min: 20, 20\nfaulty_region_2_max: 40, 40\n", "").error())
        .isEqualTo("bed_mesh: Existing faulty_region_1 [[10.0, 10.0], [30.0, 30.0]] overlaps"
            + " added faulty_region_2 [[20.0, 20.0], [40.0, 40.0]]");
    assertThat(run(SQUARE + "move_check_distance: 1\n", "").error())
        .startsWith("Option 'move_check_distance' in section 'bed_mesh' must have minimum of 3");
    assertThat(run(SQUARE, "BED_MESH_PROFILE LOAD=nope\n").error())
        .isEqualTo("bed_mesh: Unknown profile [nope]");
    assertThat(run(SQUARE + "horizontal_move_z: 0.5\n", "G28\nBED_MESH_CALIBRATE\n").error())
        .isEqualTo("horizontal_move_z can't be less than probe's z_offset");
    assertThat(run(SQUARE, "BED_MESH_CALIBRATE PROBE_COUNT=2,x\n").error())
        .isEqualTo("Unable to parse parameter 'PROBE_COUNT'");
    MotionRun r = run(SQUARE, "BED_MESH_PROFILE SAVE=default\nBED_MESH_PROFILE SAVE=mine\n"
        + "BED_MESH_OUTPUT\nBED_MESH_OFFSET X=1\nBED_MESH_PROFILE\n");
    assertThat(r.replies).containsExactly(
        "// Profile 'default' is reserved, please choose another profile name.",
        "// Unable to save to profile [mine], the bed has not been probed",
        "// Bed has not been probed", "// No mesh loaded to offset",
        "// Invalid syntax 'BED_MESH_PROFILE'");
  }

  @Test
  void aRoundBedIsProbedInsideItsRadius() throws Exception {
    MotionRun r = run("mesh_radius: 50\nmesh_origin: 100, 100\nround_probe_count: 3\n",
        "G28\nBED_MESH_CALIBRATE\nMESH\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    // Distance 50 apart: the corners (70.7 from the centre) are out; five points remain.
    assertThat(r.replies.stream().filter(l -> l.startsWith("// probe: at"))).hasSize(5);
    assertThat(r.replies).contains("// name=default min=[50.0, 50.0] max=[150.0, 150.0]"
        + " profiles=1");
  }
}
