package org.escapement.host.gcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** G-code numbers read as Python's float() reads them. */
class GCodeCommandParseFloatTest {
  @Test
  void plainDecimals() {
    assertThat(GCodeCommand.parseFloat("10")).isEqualTo(10.0);
    assertThat(GCodeCommand.parseFloat("-12.375")).isEqualTo(-12.375);
    assertThat(GCodeCommand.parseFloat("+.5")).isEqualTo(0.5);
    assertThat(GCodeCommand.parseFloat("5.")).isEqualTo(5.0);
    assertThat(GCodeCommand.parseFloat("007.250")).isEqualTo(7.25);
  }

  @Test
  void pythonForms() {
    assertThat(GCodeCommand.parseFloat(" 1e3 ")).isEqualTo(1000.0);
    assertThat(GCodeCommand.parseFloat("1_000.5")).isEqualTo(1000.5);
    assertThat(GCodeCommand.parseFloat("-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(GCodeCommand.parseFloat("inf")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(GCodeCommand.parseFloat("NaN")).isNaN();
    assertThat(GCodeCommand.parseFloat("2.5E-1")).isEqualTo(0.25);
  }

  @Test
  void notNumbers() {
    for (String bad : new String[] {"", ".", "-", "+.", "1.2.3", "1.5f", "2d", "0x10", "e5",
        "1_", "_1", "1__0", "--1", "1e", "abc"}) {
      assertThatThrownBy(() -> GCodeCommand.parseFloat(bad)).as(bad)
          .isInstanceOf(NumberFormatException.class);
    }
  }
}
