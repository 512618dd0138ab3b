package org.escapement.host.tmc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.escapement.host.motion.MotionRun;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trinamic driver sections through batch mode: what goes to the MCU, and what users see. */
class TmcBatchTest {
  @TempDir Path tmp;
  private final StringBuilder replies = new StringBuilder();

  static final String PRINTER = """
      [mcu]
      serial: /dev/ttyACM0

      [printer]
      kinematics: cartesian
      max_velocity: 300
      max_accel: 3000

      [stepper_x]
      step_pin: PF0
      dir_pin: PF1
      enable_pin: !PD7
      microsteps: 16
      rotation_distance: 40
      endstop_pin: ^PE5
      position_endstop: 0
      position_max: 200

      [stepper_y]
      step_pin: PF6
      dir_pin: !PF7
      enable_pin: !PF2
      microsteps: 16
      rotation_distance: 40
      endstop_pin: ^PJ1
      position_endstop: 0
      position_max: 200

      [stepper_z]
      step_pin: PL3
      dir_pin: PL1
      enable_pin: !PK0
      microsteps: 16
      rotation_distance: 8
      endstop_pin: ^PD3
      position_endstop: 0.5
      position_max: 200

      """;

  /** The decoded commands sent, or the error lines when the host refused the config. */
  List<String> run(String config, String gcode) throws Exception {
    MotionRun run = MotionRun.run(tmp, PRINTER + config, gcode);
    run.replies.forEach(l -> replies.append(l).append('\n'));
    return run.sentOrReplies();
  }

  /** Everything the runs so far replied, one line each. */
  String output() {
    return replies.toString();
  }

  @Test
  void tmc2209ConfiguresItsUartAndSendsNoRegisterWritesInBatchMode() throws Exception {
    List<String> sent = run("""
        [tmc2209 stepper_x]
        uart_pin: PK1
        run_current: 0.8
        """, "G28 X\nG1 X10 F6000\nSET_TMC_CURRENT STEPPER=stepper_x CURRENT=0.5\n");
    // The UART is bit-banged at 9000 baud on AVRs: 16 MHz / 9000 = 1777 ticks a bit. Klipper
    // confirms each UART write by reading IFCNT back, which batch mode cannot: it sends none.
    assertThat(sent).contains(
        "config_tmcuart oid=0 rx_pin=PK1 pull_up=0 tx_pin=PK1 bit_time=1777");
    assertThat(sent).noneMatch(l -> l.startsWith("tmcuart_send"));
    // 100 ns step pulses: 1.6 ticks at 16 MHz, truncated
    assertThat(sent).anyMatch(l -> l.startsWith("config_stepper oid=3 step_pin=PF0")
        && l.endsWith("step_pulse_ticks=1"));
    // (0.5 A: CS = int(32 * 0.13 * 0.5 * sqrt 2 / 0.18 + 0.5) - 1 = 15, back (16) * 0.18 /
    // (32 * 0.13 * sqrt 2) = 0.49 A)
    assertThat(output()).contains("Run Current: 0.49A Hold Current: 0.49A");
  }

  @Test
  void tmc2130WritesEveryRegisterOverSpiOnConnectAndAgainOnEnable() throws Exception {
    List<String> sent = run("""
        [tmc2130 stepper_x]
        cs_pin: PG0
        run_current: 0.8
        """, "G28 X\nG1 X10 F6000\n");
    assertThat(sent).contains("config_spi oid=0 pin=PG0 cs_active_high=0",
        "spi_set_bus oid=0 spi_bus=spi mode=3 rate=4000000");
    // IHOLD_IRUN (0x10, written with bit 7 set): IHOLDDELAY 8, IRUN 25, IHOLD 25
    // CHOPCONF (0x6c): INTPOL, MRES 4 (16 microsteps), VSENSE, TBL 1, HEND 7, TOFF 4.
    // Once on connect, once more when the motor is enabled (a driver may have lost power).
    String iholdIrun = "spi_send oid=0 data=b'\\x90\\x00\\x08\\x19\\x19'";
    String chopconf = "spi_send oid=0 data=b'\\xec\\x14\\x02\\x83\\x84'";
    assertThat(sent.stream().filter(iholdIrun::equals)).hasSize(2);
    assertThat(sent.stream().filter(chopconf::equals)).hasSize(2);
  }

  @Test
  void configErrorsUseKlippersWording() throws Exception {
    assertThat(run("[tmc2209 stepper_q]\nuart_pin: PK1\nrun_current: 0.8\n", ""))
        .singleElement().asString()
        .contains("Could not find config section '[stepper_q]' required by tmc driver");
    assertThat(run("""
        [tmc2209 stepper_x]
        uart_pin: PK1
        run_current: 0.8
        [tmc2209 stepper_y]
        uart_pin: PK1
        run_current: 0.8
        """, "")).singleElement().asString()
        .contains("Shared TMC uarts need unique address or select_pins polarity");
    assertThat(run("[tmc2209 stepper_x]\nuart_pin: PK1\nrun_current: 0.8\nuart_address: 4\n",
        "")).singleElement().asString()
        .contains("Option 'uart_address' in section 'tmc2209 stepper_x' must have maximum of 3");
    assertThat(run("[tmc2208 stepper_x]\nuart_pin: PK1\nrun_current: 2.5\n", ""))
        .singleElement().asString()
        .contains("Option 'run_current' in section 'tmc2208 stepper_x' must have maximum of 2");
  }

  @Test
  void twoDriversShareAWireByAddress() throws Exception {
    List<String> sent = run("""
        [tmc2209 stepper_x]
        uart_pin: PK1
        tx_pin: PK2
        uart_address: 0
        run_current: 0.8
        [tmc2209 stepper_y]
        uart_pin: PK1
        tx_pin: PK2
        uart_address: 1
        run_current: 0.8
        """, "");
    assertThat(sent.stream().filter(l -> l.startsWith("config_tmcuart"))).containsExactly(
        "config_tmcuart oid=0 rx_pin=PK1 pull_up=0 tx_pin=PK2 bit_time=1777");
  }

  @Test
  void gcodeCommandsAnswerAsKlippersDo() throws Exception {
    String cfg = """
        [tmc2209 stepper_x]
        uart_pin: PK1
        run_current: 0.8
        hold_current: 0.4
        driver_SGTHRS: 100
        """;
    // batch mode stops at the first error, as Klipper's: one command a run
    for (String gcode : List.of("SET_TMC_FIELD STEPPER=stepper_x FIELD=bogus VALUE=1",
        "SET_TMC_FIELD STEPPER=stepper_x FIELD=sgthrs",
        "DUMP_TMC STEPPER=stepper_x REGISTER=NOPE",
        "DUMP_TMC STEPPER=stepper_x REGISTER=SGTHRS\nSET_TMC_CURRENT STEPPER=stepper_x")) {
      run(cfg, gcode + "\n");
    }
    assertThat(output()).contains("!! Unknown field name 'bogus'",
        "!! Specify either VALUE or VELOCITY",
        "// SGTHRS:     00000064 sgthrs=100",
        "!! Unknown register name 'NOPE'",
        // hold 0.4 A: 32 * 0.13 * 0.4 * 1.41421 / 0.18 = 13.07 -> 13 - 1 = 12 -> 0.398 A
        "// Run Current: 0.80A Hold Current: 0.40A");
  }
}
