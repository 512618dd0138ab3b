package org.escapement.host.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.escapement.host.motion.MotionRun;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [bltouch] in batch mode, on the config of Klipper's bltouch.test (control pin PC5, sensor
 * PC7, a 16 MHz atmega2560: one 20 ms servo period is 320000 ticks).
 */
class BltouchModuleTest {
  // Pulse widths as on-ticks of the 320000-tick period: width / 20 ms * 320000.
  static final String PIN_DOWN = "on_ticks=10400";
  static final String TOUCH_MODE = "on_ticks=18640";
  static final String PIN_UP = "on_ticks=23600";
  static final String RESET = "on_ticks=35040";
  static final String SET_5V = "on_ticks=31808";
  static final String SET_OD = "on_ticks=33456";
  static final String STORE = "on_ticks=30144";

  @TempDir Path tmp;

  static String bltouchCfg(String extra) throws Exception {
    // Klipper's test config, its [bed_mesh] included.
    return Files.readString(Shared.dir().resolve("corpus/klipper-tests/bltouch.cfg"))
        .replace("z_offset: 1.15\n", "z_offset: 1.15\n" + extra);
  }

  MotionRun run(String extra, String gcode) throws Exception {
    return MotionRun.run(tmp, bltouchCfg(extra), gcode);
  }

  /** The control pin's pulses (on_ticks, 0 = signal off), in the order sent. */
  static List<String> pulses(MotionRun r) {
    String oid = r.sent.stream().filter(l -> l.startsWith("config_digital_out")
        && l.contains(" pin=PC5 ")).findFirst().orElseThrow().split(" ")[1];
    return r.sent.stream().filter(l -> l.startsWith("queue_digital_out " + oid + " "))
        .map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
  }

  @Test
  void klipperBltouchTestRunsThroughWithoutItsBedMesh() throws Exception {
    List<String> lines = Files.readAllLines(Shared.dir()
        .resolve("corpus/klipper-tests/bltouch.test"));
    String gcode = String.join("\n", lines.stream().filter(l -> !l.isBlank()
        && !l.startsWith("#") && !l.startsWith("CONFIG") && !l.startsWith("DICTIONARY")
        && !l.startsWith("BED_MESH")).toList()) + "\nGET_POSITION\n";
    MotionRun r = run("", gcode);
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).containsSubsequence(
        "// BLTouch commands: output_mode_store, pin_down, pin_up, reset, self_test,"
            + " set_5V_output_mode, set_OD_output_mode, touch_mode",
        "// Sending BLTOUCH_DEBUG COMMAND=reset",
        // X and Y end a hair below 0 after G1 X0 Y0 (rounding in the step positions)
        "// probe: at -0.000,-0.000 bed will contact at z=-1.150000",
        "// Result: at -0.000,-0.000 estimate contact at z=-1.150000",
        "// probe: open");
    assertThat(r.position("toolhead")).containsEntry("Z", 9.0);
  }

  @Test
  void theControlPinIsAServoSignalThatStowsOnConnect() throws Exception {
    MotionRun r = run("", "");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.sent).contains(
        "config_digital_out oid=12 pin=PC5 value=0 default_value=0 max_duration=0",
        "set_digital_out_pwm_cycle oid=12 cycle_ticks=320000",
        "config_endstop oid=0 pin=PC7 pull_up=0");
    // 0.3 s after start: pin up, for pin_move_time 0.68 s cut to whole periods (0.58 s
    // after the 0.1 s minimum), then the signal off; then a check that the pin reads open.
    assertThat(r.sent).containsSubsequence(
        "queue_digital_out oid=12 clock=4800000 on_ticks=23600",
        "queue_digital_out oid=12 clock=14080000 on_ticks=0",
        "endstop_home oid=0 clock=15680000 sample_ticks=240 sample_count=4 rest_ticks=16000"
            + " pin_value=0 trsync_oid=1 trigger_reason=1");
  }

  @Test
  void probingTestsTheSensorDeploysAndStows() throws Exception {
    MotionRun r = run("", "G28\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    // Connect: stow. First home: sensor test (pin up + touch mode), deploy, stow on the
    // trigger. Second home after the retract: deploy, stow (the test is good for 5 min).
    assertThat(pulses(r)).containsExactly("on_ticks=0", PIN_UP, "on_ticks=0",
        PIN_UP, "on_ticks=0", TOUCH_MODE, "on_ticks=0", PIN_DOWN, "on_ticks=0",
        PIN_UP, "on_ticks=0",
        PIN_DOWN, "on_ticks=0", PIN_UP, "on_ticks=0");
  }

  @Test
  void optionsChangeTheCommandsSent() throws Exception {
    MotionRun r = run("set_output_mode: 5V\nprobe_with_touch_mode: True\n"
        + "pin_up_reports_not_triggered: False\npin_up_touch_mode_reports_triggered: False\n",
        "G28 Z\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    // Connect: 5V mode, then reset + pin up (the pin-up state cannot be checked). Homing:
    // no sensor test; deploy + touch mode, reset + stow, twice.
    assertThat(pulses(r)).containsExactly("on_ticks=0", SET_5V, "on_ticks=0", RESET,
        "on_ticks=0", PIN_UP, "on_ticks=0",
        PIN_DOWN, "on_ticks=0", TOUCH_MODE, "on_ticks=0", RESET, "on_ticks=0", PIN_UP,
        "on_ticks=0",
        PIN_DOWN, "on_ticks=0", TOUCH_MODE, "on_ticks=0", RESET, "on_ticks=0", PIN_UP,
        "on_ticks=0");
  }

  @Test
  void debugAndStoreCommands() throws Exception {
    MotionRun r = run("", "BLTOUCH_DEBUG COMMAND=self_test\nBLTOUCH_STORE\n"
        + "BLTOUCH_STORE MODE=OD\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).containsSubsequence("// Sending BLTOUCH_DEBUG COMMAND=self_test",
        "// BLTouch output modes: 5V, OD", "// Storing BLTouch output mode: OD");
    assertThat(pulses(r).subList(3, pulses(r).size())).containsExactly(
        "on_ticks=28480", "on_ticks=0",
        PIN_DOWN, "on_ticks=0", SET_OD, "on_ticks=0", STORE, "on_ticks=0", SET_OD,
        "on_ticks=0", PIN_UP, "on_ticks=0");
  }

  @Test
  void bltouchIsTheProbe() throws Exception {
    MotionRun r = run("", "G28\nQUERY_PROBE\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.printer.lookupObject("probe", Object.class))
        .isSameAs(r.printer.lookupObject("bltouch", Object.class));
    // As in Klipper: [probe] is then the BLTouch, which reads no 'pin'.
    assertThat(MotionRun.run(tmp, bltouchCfg("") + "\n[probe]\npin: PD2\nz_offset: 1\n", "")
        .error()).startsWith("Option 'pin' is not valid in section 'probe'");
  }
}
