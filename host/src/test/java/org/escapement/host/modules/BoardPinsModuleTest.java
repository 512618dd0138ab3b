package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [board_pins]: connector names for pins, as the corpus configs of LCD boards use them. */
class BoardPinsModuleTest {
  @TempDir Path tmp;

  /** The config commands sent, or the one error line when the host refused the config. */
  List<String> sent(String config) throws Exception {
    return MotionRun.run(tmp, "[mcu]\nserial: /dev/ttyACM0\n\n[printer]\nkinematics: none\n"
        + "max_velocity: 300\nmax_accel: 3000\n\n" + config, "").sentOrReplies();
  }

  @Test
  void anAliasIsSentAsTheMcuPinWhereverTheSectionStands() throws Exception {
    // The alias section comes after its user, and its pairs run over two lines.
    List<String> sent = sent("""
        [static_digital_output leds]
        pins: EXP1_1, !EXP1_3

        [board_pins reprap_discount]
        aliases:
            EXP1_1=PC0, EXP1_3=PH0,
            EXP1_10=<5V>,
        aliases_spare: SPARE=PL0
        """);
    assertThat(sent).anyMatch(l -> l.contains("pin=PC0"))
        .anyMatch(l -> l.contains("pin=PH0"))
        .noneMatch(l -> l.contains("EXP1"));
  }

  @Test
  void aPinWithNoSignalOrAPinUnderTwoNamesIsRefused() throws Exception {
    String aliases = "\n[board_pins]\naliases: EXP1_1=PC0, EXP1_10=<GND>\n";
    assertThat(sent("[static_digital_output x]\npins: EXP1_10\n" + aliases))
        .singleElement().asString().contains("pin EXP1_10 is reserved for <GND>");
    assertThat(sent("[static_digital_output x]\npins: EXP1_1, PC0\n" + aliases))
        .singleElement().asString().contains("is an alias for");
  }

  @Test
  void aPairWithoutItsPinIsAConfigError() throws Exception {
    assertThat(sent("[board_pins]\naliases: EXP1_1=PC0, EXP1_3\n")).singleElement().asString()
        .contains("Option 'aliases' in section 'board_pins' must have 2 elements");
  }
}
