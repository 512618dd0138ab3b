package org.escapement.host.leveling;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.escapement.host.motion.MotionRun;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCREWS_TILT_CALCULATE on Klipper's screws_tilt_adjust test printer: a BLTouch, M3 screws
 * turned clockwise, "front left screw" at 10,30, "front right screw" at 155,30, "rear right
 * screw" at 155,190 and "read left screw" at 10,190; Z has 400 steps/mm.
 */
class ScrewsTiltAdjustTest {
  @TempDir Path tmp;

  static final String STATUS = """

      [gcode_macro STA]
      gcode:
        {% set s = printer.screws_tilt_adjust %}
        {action_respond_info("error=" + s.error|string + " max=" + s.max_deviation|string
          + " s1=" + s.results.screw1.sign + " " + s.results.screw1.adjust + " "
          + s.results.screw1.is_base|string
          + " s3=" + s.results.screw3.sign + " " + s.results.screw3.adjust + " "
          + s.results.screw3.is_base|string)}
      """;

  static String config() throws Exception {
    return Files.readString(Shared.dir().resolve("corpus/klipper-tests/screws_tilt_adjust.cfg"))
        + STATUS;
  }

  /** By hand: the screws at 2.5, 2.375, 2.6 and 2.5 mm (whole steps). */
  static final String HEIGHTS = "G1 Z2.5\nACCEPT\nG1 Z2.375\nACCEPT\nG1 Z2.6\nACCEPT\n"
      + "G1 Z2.5\nACCEPT\n";

  @Test
  void turnsAreHeightOverPitchInTurnsAndMinutes() {
    var m3 = ScrewsTiltAdjustModule.THREADS.get("CW-M3");
    // 0.125 mm low on a 0.5 mm pitch: a quarter turn clockwise.
    assertThat(ScrewsTiltAdjustModule.turn(2.5, 2.375, m3))
        .isEqualTo(new ScrewsTiltAdjustModule.Turn("CW", "00:15"));
    // 0.1 mm high: a fifth of a turn back.
    assertThat(ScrewsTiltAdjustModule.turn(2.5, 2.6, m3))
        .isEqualTo(new ScrewsTiltAdjustModule.Turn("CCW", "00:12"));
    // Counter-clockwise threads turn the other way; M6 has a 1 mm pitch.
    assertThat(ScrewsTiltAdjustModule.turn(2.5, 1.0, ScrewsTiltAdjustModule.THREADS.get(
        "CCW-M6"))).isEqualTo(new ScrewsTiltAdjustModule.Turn("CCW", "01:30"));
    // Under a micron is no turn at all.
    assertThat(ScrewsTiltAdjustModule.turn(2.5, 2.5009, m3))
        .isEqualTo(new ScrewsTiltAdjustModule.Turn("CW", "00:00"));
    // 0.5 minutes rounds to even, as Python's round() does.
    assertThat(ScrewsTiltAdjustModule.turn(0.5 / 120, 0, m3).adjust()).isEqualTo("00:00");
  }

  @Test
  void klippersTestScriptRunsWithTheProbe() throws Exception {
    // Batch mode: the probe triggers at the same height everywhere, so nothing to turn.
    MotionRun r = MotionRun.run(tmp, config(),
        "G28\nSCREWS_TILT_CALCULATE\nSCREWS_TILT_CALCULATE MAX_DEVIATION=0.01\nSTA\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.error()).as(r.replies.toString()).isNull();
    assertThat(r.replies).containsSubsequence(
        "// 01:20 means 1 full turn and 20 minutes, CW=clockwise, CCW=counter-clockwise",
        "// front left screw (base) : x=10.0, y=30.0, z=-1.15000",
        "// front right screw : x=155.0, y=30.0, z=-1.15000 : adjust CW 00:00",
        "// rear right screw : x=155.0, y=190.0, z=-1.15000 : adjust CW 00:00",
        "// read left screw : x=10.0, y=190.0, z=-1.15000 : adjust CW 00:00",
        "// error=False max=0.01 s1=CW 00:00 True s3=CW 00:00 False");
  }

  @Test
  void eachScrewIsTurnedToTheFirstScrewsHeight() throws Exception {
    MotionRun r = MotionRun.run(tmp, config(),
        "G28\nSCREWS_TILT_CALCULATE METHOD=manual\n" + HEIGHTS + "STA\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.error()).as(r.replies.toString()).isNull();
    assertThat(r.replies).containsSubsequence(
        "// front left screw (base) : x=10.0, y=30.0, z=2.50000",
        "// front right screw : x=155.0, y=30.0, z=2.37500 : adjust CW 00:15",
        "// rear right screw : x=155.0, y=190.0, z=2.60000 : adjust CCW 00:12",
        "// read left screw : x=10.0, y=190.0, z=2.50000 : adjust CW 00:00",
        "// error=False max=None s1=CW 00:00 True s3=CCW 00:12 False");
  }

  @Test
  void directionTakesTheHighestScrewAsBaseForClockwiseTurns() throws Exception {
    MotionRun r = MotionRun.run(tmp, config(),
        "G28\nSCREWS_TILT_CALCULATE METHOD=manual DIRECTION=cw\n" + HEIGHTS
            + "SCREWS_TILT_CALCULATE METHOD=manual DIRECTION=CCW\n" + HEIGHTS);
    assertThat(r.error()).as(r.replies.toString()).isNull();
    assertThat(r.replies).containsSubsequence(
        "// front left screw : x=10.0, y=30.0, z=2.50000 : adjust CW 00:12",
        "// front right screw : x=155.0, y=30.0, z=2.37500 : adjust CW 00:27",
        "// rear right screw (base) : x=155.0, y=190.0, z=2.60000",
        "// read left screw : x=10.0, y=190.0, z=2.50000 : adjust CW 00:12",
        // CCW: the lowest screw is the base.
        "// front left screw : x=10.0, y=30.0, z=2.50000 : adjust CCW 00:15",
        "// front right screw (base) : x=155.0, y=30.0, z=2.37500",
        "// rear right screw : x=155.0, y=190.0, z=2.60000 : adjust CCW 00:27",
        "// read left screw : x=10.0, y=190.0, z=2.50000 : adjust CCW 00:15");
  }

  @Test
  void maxDeviationFailsTheCommandAndSetsTheError() throws Exception {
    MotionRun r = MotionRun.run(tmp, config(),
        "G28\nSCREWS_TILT_CALCULATE METHOD=manual MAX_DEVIATION=0.01\n" + HEIGHTS + "STA\n");
    assertThat(r.error()).isEqualTo(
        "bed level exceeds configured limits (0.01mm)! Adjust screws and restart print.");
    // A batch run stops at the error; the status is read from the module.
    var status = r.printer.lookupObject("screws_tilt_adjust", ScrewsTiltAdjustModule.class)
        .status(0);
    assertThat(status).containsEntry("error", true).containsEntry("max_deviation", 0.01);
    assertThat(status.get("results")).asString().contains(
        "screw3={z=2.59999", "sign=CCW, adjust=00:12, is_base=false");
  }

  @Test
  void aDirectionOtherThanCwOrCcwIsRefused() throws Exception {
    MotionRun r = MotionRun.run(tmp, config(), "G28\nSCREWS_TILT_CALCULATE DIRECTION=up\n");
    assertThat(r.error()).isEqualTo(
        "Error on 'SCREWS_TILT_CALCULATE DIRECTION=up': DIRECTION must be either CW or CCW");
  }

  @Test
  void configErrors() throws Exception {
    String base = config().replaceAll("(?s)\\[screws_tilt_adjust\\].*?(\\n\\n|$)", "");
    assertThat(MotionRun.run(tmp, base + "\n[screws_tilt_adjust]\nscrew1: 10,10\n"
        + "screw2: 20,20\nscrew4: 30,30\n", "").sentOrReplies()).singleElement().asString()
        .contains("screws_tilt_adjust: Must have at least three screws");
    assertThat(MotionRun.run(tmp, base + "\n[screws_tilt_adjust]\nscrew1: 10,10\n"
        + "screw2: 20,20\nscrew3: 30,30\nscrew_thread: CW-M8\n", "").sentOrReplies())
        .singleElement().asString().contains("Choice 'CW-M8' for option 'screw_thread' in "
            + "section 'screws_tilt_adjust' is not a valid choice");
  }
}
