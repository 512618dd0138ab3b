package org.escapement.host.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [probe] on Klipper's example cartesian printer (Z: 400 steps/mm on PL3, 0..200 mm). In
 * batch mode every endstop triggers at the end of its move, as in Klipper's batch mode: a
 * probe descends all the way to Z 0.
 */
class ProbeModuleTest {
  @TempDir Path tmp;

  static final String REPORT = """

      [gcode_macro REPORT]
      gcode:
        {action_respond_info("homed=" + printer.toolhead.homed_axes
          + " last=" + "%.3f"|format(printer.probe.last_probe_position.z)
          + " name=" + printer.probe.name + " query=" + printer.probe.last_query|string)}

      [gcode_macro DEPLOY]
      gcode:
        {action_respond_info("deploy")}

      [gcode_macro STOW]
      gcode:
        {action_respond_info("stow")}
      """;

  static String printer(boolean zByProbe) throws Exception {
    String cfg = MotionRun.corpusConfig("example-cartesian.cfg");
    if (zByProbe) {
      cfg = cfg.replace("endstop_pin: ^PD3\nposition_endstop: 0.5\n",
          "endstop_pin: probe:z_virtual_endstop\n");
    }
    return cfg + REPORT;
  }

  MotionRun run(boolean zByProbe, String probe, String gcode) throws Exception {
    return MotionRun.run(tmp, printer(zByProbe) + "\n[probe]\npin: ^PD2\n" + probe, gcode);
  }

  @Test
  void homingZWithTheProbeLeavesZAtTheProbesOffset() throws Exception {
    MotionRun r = run(true, "z_offset: 1.25\n", "G28\nREPORT\nGET_POSITION\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).contains("// homed=xyz last=0.000 name=probe query=False");
    assertThat(r.position("toolhead")).containsEntry("Z", 1.25);
    // Homing probes are not reported as probes.
    assertThat(r.replies).noneMatch(l -> l.startsWith("// probe: at"));
    // Two descents (the second after the 5 mm retract), each stopped by the probe pin.
    assertThat(r.sent.stream().filter(l -> l.startsWith("endstop_home oid=")
        && l.contains("pin=") || l.matches("endstop_home oid=\\d+ clock=[1-9].*")).count())
        .isEqualTo(6); // x, y twice each, z twice
  }

  @Test
  void probeReportsWhereTheNozzleWouldTouchTheBed() throws Exception {
    MotionRun r = run(false, "z_offset: 1.25\nx_offset: 10\ny_offset: -5\n",
        "G28\nG1 X50 Y60 Z10\nPROBE\nREPORT\nQUERY_PROBE\nREPORT\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    // Triggered at Z 0: the nozzle, 1.25 below the probe, would touch at -1.25; the bed
    // point measured is the probe's, offset from the nozzle.
    assertThat(r.replies).containsSubsequence(
        "// probe: at 60.000,55.000 bed will contact at z=-1.250000",
        "// Result: at 60.000,55.000 estimate contact at z=-1.250000",
        "// homed=xyz last=-1.250 name=probe query=False",
        "// probe: open");
  }

  @Test
  void samplesAreRetractedBetweenAndScriptsRunAroundEachSample() throws Exception {
    String probe = "z_offset: 1\nsamples: 3\nsample_retract_dist: 4\n"
        + "activate_gcode: DEPLOY\ndeactivate_gcode: STOW\n";
    MotionRun r = run(false, probe, "G28\nG1 Z10\nPROBE\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    List<String> talk = r.replies.stream().filter(l -> l.matches("// (deploy|stow|probe:.*)"))
        .toList();
    assertThat(talk).containsExactly("// deploy", "// stow",
        "// probe: at 0.000,0.000 bed will contact at z=-1.000000", "// deploy", "// stow",
        "// probe: at 0.000,0.000 bed will contact at z=-1.000000", "// deploy", "// stow",
        "// probe: at 0.000,0.000 bed will contact at z=-1.000000");
    // Z: up 9.5 mm from the endstop (G1 Z10), then down 10 mm, up 4, down 4, up 4, down 4:
    // 35.5 mm of 400 steps each.
    int homing = run(false, probe, "G28\n").steps().get("PL3").clocks.size();
    assertThat(r.steps().get("PL3").clocks).hasSize(homing + 355 * 40);
  }

  @Test
  void withoutDeactivateOnEachSampleTheProbeDeploysOncePerCommand() throws Exception {
    MotionRun r = run(false, "z_offset: 1\nsamples: 3\ndeactivate_on_each_sample: False\n"
        + "activate_gcode: DEPLOY\ndeactivate_gcode: STOW\n", "G28\nG1 Z10\nPROBE\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies.stream().filter(l -> l.matches("// (deploy|stow)"))).containsExactly(
        "// deploy", "// stow");
  }

  @Test
  void probeAccuracyReportsTheSpread() throws Exception {
    MotionRun r = run(false, "z_offset: 2\nspeed: 4\n",
        "G28\nG1 X20 Y30 Z10\nPROBE_ACCURACY SAMPLES=3 SAMPLE_RETRACT_DIST=3\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).contains(
        "// PROBE_ACCURACY at X:20.000 Y:30.000 Z:10.000 (samples=3 retract=3.000 speed=4.0"
            + " lift_speed=4.0)",
        "// probe accuracy results: maximum -2.000000, minimum -2.000000, range 0.000000,"
            + " average -2.000000, median -2.000000, standard deviation 0.000000");
  }

  @Test
  void zOffsetApplyProbeSubtractsTheGcodeOffset() throws Exception {
    MotionRun r = run(false, "z_offset: 1.25\n",
        "Z_OFFSET_APPLY_PROBE\nSET_GCODE_OFFSET Z=0.2\nZ_OFFSET_APPLY_PROBE\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).containsSubsequence("// Nothing to do: Z Offset is 0",
        "// probe: z_offset: 1.050", "// The SAVE_CONFIG command will update the printer"
            + " config file", "// with the above and restart the printer.");
  }

  @Test
  void errorsSayWhatKlipperSays() throws Exception {
    assertThat(run(false, "z_offset: 1\n", "PROBE\n").error())
        .isEqualTo("Must home before probe");
    assertThat(run(false, "z_offset: 1\nactivate_gcode: G1 Z20\n", "G28\nPROBE\n").error())
        .isEqualTo("Toolhead moved during probe activate_gcode script");
    assertThat(run(false, "", "").error())
        .isEqualTo("Option 'z_offset' in section 'probe' must be specified");
    assertThat(run(false, "z_offset: 1\nsamples_result: mean\n", "").error())
        .startsWith("Choice 'mean' for option 'samples_result' in section 'probe' is not a"
            + " valid choice");
    String cfg = printer(true);
    assertThat(MotionRun.run(tmp, cfg, "").error())
        .contains("Unknown pin chip name 'probe'");
    assertThat(MotionRun.run(tmp, cfg.replace("probe:z_virtual_endstop", "^probe:z_virtual_endstop")
        + "\n[probe]\npin: PD2\nz_offset: 1\n", "").error())
        .contains("Can not pullup/invert probe virtual endstop");
    assertThat(MotionRun.run(tmp, cfg.replace("probe:z_virtual_endstop", "probe:z_endstop")
        + "\n[probe]\npin: PD2\nz_offset: 1\n", "").error())
        .contains("Probe virtual endstop only useful as endstop pin");
  }

  @Test
  void corpusPrintersWithAProbeHomeWithIt() throws Exception {
    // Klipper's printer configs that stopped at [probe] or [bltouch], minus the sections
    // that stop them further on; each homes and probes.
    String[][] printers = {
        {"printer-creality-ender5plus-2019.cfg", "bed_mesh",
            "filament_switch_sensor filament_sensor"},
        {"printer-creality-cr10s-pro-v2-2020.cfg", "bed_mesh", "bed_screws",
            "screws_tilt_adjust", "filament_switch_sensor e0_sensor"},
        {"printer-wanhao-duplicator-i3-plus-mark2-2019.cfg", "bed_mesh"},
        {"printer-wanhao-duplicator-9-2018.cfg", "bed_mesh", "bed_screws"},
        {"kit-zav3d-2019.cfg", "bed_mesh"},
    };
    for (String[] p : printers) {
      String[] drop = java.util.Arrays.copyOfRange(p, 1, p.length);
      MotionRun r = MotionRun.run(tmp, MotionRun.corpusConfig(p[0], drop),
          "G28\nG1 Z10 F600\nPROBE\n");
      assertThat(r.exitCode).as(p[0] + ": " + r.replies).isZero();
      assertThat(r.replies).as(p[0]).anyMatch(l -> l.startsWith("// Result: at "));
    }
  }
}
