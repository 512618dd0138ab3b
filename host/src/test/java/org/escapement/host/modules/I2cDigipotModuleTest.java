package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [mcp4451] and [mcp4018]: the I2C set-up and writes. The atmega2560 has no i2c_read, so a
 * write goes out as i2c_transfer with read_len=0.
 */
class I2cDigipotModuleTest {
  @TempDir Path tmp;
  private MotionRun last;

  List<String> sent(String config, String gcode) throws Exception {
    last = MotionRun.run(tmp, "[mcu]\nserial: /dev/ttyACM0\n\n[printer]\nkinematics: none\n"
        + "max_velocity: 300\nmax_accel: 3000\n\n" + config, gcode);
    return last.sentOrReplies();
  }

  @Test
  void mcp4451ConnectsItsWipersThenWritesEachGivenOneIn255StepsOfTheScale() throws Exception {
    // TCON0 (0x04) and TCON1 (0x0a) = 0xff: '@' 0xff and 0xa0 0xff. wiper_0 1.0 of 2.25 is
    // 113.3 -> 113 ('q') in register 0; wiper_2 at full scale is 255 in register 6 ('`').
    List<String> sent = sent("[mcp4451 stepper_digipot1]\ni2c_address: 44\nscale: 2.25\n"
        + "wiper_0: 1.0\nwiper_2: 2.25\n", "");
    assertThat(sent).containsSubsequence(
        "config_i2c oid=0",
        "i2c_set_bus oid=0 i2c_bus=twi rate=100000 address=44",
        "finalize_config crc=" + OutputPinModuleTest.crc(sent),
        "i2c_transfer oid=0 write=b'@\\xff' read_len=0",
        "i2c_transfer oid=0 write=b'\\xa0\\xff' read_len=0",
        "i2c_transfer oid=0 write=b'\\x00q' read_len=0",
        "i2c_transfer oid=0 write=b'`\\xff' read_len=0");
    assertThat(sent.stream().filter(l -> l.startsWith("i2c_transfer"))).hasSize(4);
  }

  @Test
  void mcp4451RefusesAnAddressOutsideItsFour() throws Exception {
    sent("[mcp4451 pot]\ni2c_address: 40\n", "");
    assertThat(last.error()).contains("mcp4451 address must be between 44 and 47");
  }

  @Test
  void mcp4018WritesItsWiperOnASoftwareBusAndSetDigipotChangesIt() throws Exception {
    // 100 kHz: a half period is 5 us, 80 ticks at 16 MHz. 0.5 of 0.773 is 82.1 -> 82 ('R');
    // full scale is 127 (0x7f). The address defaults to 0x2f (47).
    List<String> sent = sent("[mcp4018 x_axis_pot]\ni2c_software_scl_pin: PJ5\n"
        + "i2c_software_sda_pin: PF3\nwiper: 0.5\nscale: 0.773\n\n"
        + "[mcp4018 y_axis_pot]\ni2c_software_scl_pin: PJ5\n"
        + "i2c_software_sda_pin: PF7\nwiper: 0.5\nscale: 0.773\n",
        "SET_DIGIPOT DIGIPOT=x_axis_pot WIPER=0.773\n");
    assertThat(sent).containsSubsequence(
        "config_i2c oid=0",
        "config_i2c oid=1",
        "i2c_set_sw_bus oid=0 scl_pin=PJ5 sda_pin=PF3 pulse_ticks=80 address=47",
        "i2c_set_sw_bus oid=1 scl_pin=PJ5 sda_pin=PF7 pulse_ticks=80 address=47",
        "finalize_config crc=" + OutputPinModuleTest.crc(sent),
        "i2c_transfer oid=0 write=b'R' read_len=0",
        "i2c_transfer oid=1 write=b'R' read_len=0",
        "i2c_transfer oid=0 write=b'\\x7f' read_len=0");
    assertThat(last.replies).contains("// New value for DIGIPOT = x_axis_pot, wiper = 0.77");
  }

  @Test
  void setDigipotRefusesAWiperAboveTheScale() throws Exception {
    sent("[mcp4018 pot]\ni2c_software_scl_pin: PJ5\ni2c_software_sda_pin: PF3\nwiper: 0.5\n"
        + "scale: 0.773\n", "SET_DIGIPOT DIGIPOT=pot WIPER=1.5\n");
    assertThat(last.error()).isEqualTo("Error on 'SET_DIGIPOT DIGIPOT=pot WIPER=1.5':"
        + " WIPER must have maximum of 0.773");
  }
}
