package org.escapement.host.leveling;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.escapement.host.motion.MotionRun;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BED_SCREWS_ADJUST on Klipper's bed_screws test printer: screws "Front right" at 100,50, an
 * unnamed one at 75,75 and "Last" at 75,75, each with a fine-adjust position (200,50, 200,75,
 * 75,90).
 */
class BedScrewsTest {
  @TempDir Path tmp;

  static final String STATUS = """

      [gcode_macro BS]
      gcode:
        {action_respond_info("active=" + printer.bed_screws.is_active|string
          + " state=" + printer.bed_screws.state|string
          + " screw=" + printer.bed_screws.current_screw|string
          + " accepted=" + printer.bed_screws.accepted_screws|string)}
      """;

  static String config() throws Exception {
    return Files.readString(Shared.dir().resolve("corpus/klipper-tests/bed_screws.cfg"))
        + STATUS;
  }

  static String prompt(String screw) {
    return "// Adjust " + screw + ". Then run ACCEPT, ADJUSTED, or ABORT";
  }

  @Test
  void aCoarsePassThenAFinePassVisitEveryScrewAtProbeHeight() throws Exception {
    MotionRun r = MotionRun.run(tmp, config(), "G28\nBED_SCREWS_ADJUST\nGET_POSITION\n"
        + "ACCEPT\nACCEPT\nACCEPT\nBS\nGET_POSITION\nACCEPT\nACCEPT\nACCEPT\nBS\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).containsSubsequence(
        prompt("Front right"),
        "// Use ADJUSTED if a significant screw adjustment is made",
        prompt("screw at 75.000,75.000"),
        prompt("Last"),
        // the fine pass, at the fine-adjust positions
        prompt("Front right"),
        "// active=True state=fine screw=0 accepted=0",
        prompt("screw at 75.000,75.000"),
        prompt("Last"),
        "// Bed screws tool completed successfully",
        "// active=False state=None screw=0 accepted=0");
    assertThat(r.replies.stream().filter(l -> l.startsWith("// Adjust "))).hasSize(6);
    // The last GET_POSITION is at the first fine position, on the bed (probe_height 0).
    assertThat(r.position("toolhead")).containsEntry("X", 200.0).containsEntry("Y", 50.0)
        .containsEntry("Z", 0.0);
    // Done: back up to horizontal_move_z above the last fine position.
    assertThat(r.toolhead().position()).startsWith(75.0, 90.0, 5.0);
  }

  @Test
  void adjustedStartsTheCoarsePassAgainUntilEveryScrewIsAcceptedInARow() throws Exception {
    MotionRun r = MotionRun.run(tmp, config(), "G28\nBED_SCREWS_ADJUST\n"
        + "ACCEPT\nADJUSTED\nBS\nACCEPT\nBS\nACCEPT\nACCEPT\nACCEPT\nBS\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).containsSubsequence(
        prompt("Front right"),
        prompt("screw at 75.000,75.000"),
        prompt("Last"),
        "// active=True state=adjust screw=2 accepted=0",
        // the last screw was adjusted: round again from the first
        prompt("Front right"),
        "// active=True state=adjust screw=0 accepted=1",
        prompt("screw at 75.000,75.000"),
        // three accepted in a row (Last, Front right, the one at 75,75): the fine pass
        prompt("Front right"),
        prompt("screw at 75.000,75.000"),
        "// active=True state=fine screw=1 accepted=1");
  }

  @Test
  void abortEndsTheToolAndItsCommands() throws Exception {
    MotionRun r = MotionRun.run(tmp, config(), "G28\nBED_SCREWS_ADJUST\nACCEPT\nABORT\nBS\n"
        + "ACCEPT\nBED_SCREWS_ADJUST\nBS\n");
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.replies).containsSubsequence(
        "// active=False state=None screw=0 accepted=0",
        "// Unknown command:\"ACCEPT\"",
        prompt("Front right"),
        "// active=True state=adjust screw=0 accepted=0");
  }

  @Test
  void onlyOneSessionAtATime() throws Exception {
    MotionRun r = MotionRun.run(tmp, config(), "G28\nBED_SCREWS_ADJUST\nBED_SCREWS_ADJUST\n");
    assertThat(r.error()).isEqualTo("Already in bed_screws helper; use ABORT to exit");
  }

  @Test
  void configErrors() throws Exception {
    String base = config().replaceAll("(?s)\\[bed_screws\\].*?\\n\\n", "");
    assertThat(MotionRun.run(tmp, base + "\n[bed_screws]\nscrew1: 10,10\nscrew2: 20,20\n", "")
        .sentOrReplies()).singleElement().asString()
        .contains("bed_screws: Must have at least three screws");
    assertThat(MotionRun.run(tmp, base + "\n[bed_screws]\nscrew1: 10\nscrew2: 20,20\n"
        + "screw3: 30,30\n", "").sentOrReplies()).singleElement().asString()
        .contains("Option 'screw1' in section 'bed_screws' must have 2 elements");
    // Screws are read up to the first missing number.
    assertThat(MotionRun.run(tmp, base + "\n[bed_screws]\nscrew1: 10,10\nscrew2: 20,20\n"
        + "screw3: 30,30\nscrew5: 40,40\n", "").sentOrReplies()).singleElement().asString()
        .contains("Option 'screw5' is not valid in section 'bed_screws'");
  }

  @Test
  void klipperRegressionScriptRunsToTheEnd() throws Exception {
    List<String> lines = Files.readAllLines(Shared.dir()
        .resolve("corpus/klipper-tests/bed_screws.test"));
    String gcode = String.join("\n", lines.stream()
        .filter(l -> !l.startsWith("CONFIG") && !l.startsWith("DICTIONARY")).toList()) + "\n";
    MotionRun r = MotionRun.run(tmp, config(), gcode);
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    assertThat(r.error()).isNull();
    assertThat(r.replies.stream().filter(
        l -> l.equals("// Bed screws tool completed successfully"))).hasSize(2);
  }
}
