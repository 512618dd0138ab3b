package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [ad5206] and [dac084S085]: the SPI bytes that set the stepper currents at start-up. */
class DigipotModuleTest {
  @TempDir Path tmp;

  List<String> sent(String config) throws Exception {
    return MotionRun.run(tmp, "[mcu]\nserial: /dev/ttyACM0\n\n[printer]\nkinematics: none\n"
        + "max_velocity: 300\nmax_accel: 3000\n\n" + config, "").sentOrReplies();
  }

  @Test
  void ad5206WritesEachChannelGivenRoundedTo256StepsOfTheScaleAfterTheConfig()
      throws Exception {
    // The RAMBo example: 1.34 A of 2.08 is 164.92 steps -> 165 (0xa5); 1.0 -> 123.08 -> 123
    // ('{'); 1.1 -> 135.38 -> 135 (0x87); channel 3 is left alone.
    List<String> sent = sent("[ad5206 stepper_digipot]\nenable_pin: PD7\nscale: 2.08\n"
        + "channel_1: 1.34\nchannel_2: 1.0\nchannel_4: 1.1\n");
    assertThat(sent).containsSubsequence(
        "config_spi oid=0 pin=PD7 cs_active_high=0",
        "spi_set_bus oid=0 spi_bus=spi mode=0 rate=25000000",
        "finalize_config crc=" + OutputPinModuleTest.crc(sent),
        "spi_send oid=0 data=b'\\x00\\xa5'",
        "spi_send oid=0 data=b'\\x01{'",
        "spi_send oid=0 data=b'\\x03\\x87'");
    assertThat(sent.stream().filter(l -> l.startsWith("spi_send"))).hasSize(3);
  }

  @Test
  void dac084s085WritesAChannelWordWithTheValueTruncatedTo255StepsOfTheScale()
      throws Exception {
    // 1.5 of 2.5 is 153 (0x99): channel A (0) -> 0x19 0x90; 0.9 of 2.5 is 91.8 -> 91 (0x5b),
    // channel D (3) -> 0xd5 0xb0. Mode 1 at 10 MHz.
    List<String> sent = sent("[dac084S085 stepper_digipot]\nenable_pin: PB4\nscale: 2.5\n"
        + "channel_A: 1.5\nchannel_D: 0.9\n");
    assertThat(sent).containsSubsequence(
        "config_spi oid=0 pin=PB4 cs_active_high=0",
        "spi_set_bus oid=0 spi_bus=spi mode=1 rate=10000000",
        "finalize_config crc=" + OutputPinModuleTest.crc(sent),
        "spi_send oid=0 data=b'\\x19\\x90'",
        "spi_send oid=0 data=b'\\xd5\\xb0'");
  }

  @Test
  void aChannelAboveTheScaleOrAMissingEnablePinIsAConfigError() throws Exception {
    assertThat(sent("[ad5206 pot]\nenable_pin: PD7\nscale: 2.08\nchannel_6: 2.5\n"))
        .singleElement().asString()
        .contains("Option 'channel_6' in section 'ad5206 pot' must have maximum of 2.08");
    assertThat(sent("[dac084S085 pot]\nchannel_B: 0.5\n")).singleElement().asString()
        .contains("Option 'enable_pin' in section 'dac084S085 pot' must be specified");
  }
}
