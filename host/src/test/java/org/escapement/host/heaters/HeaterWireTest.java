package org.escapement.host.heaters;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What heaters and fans send to the MCU, compared with Klipper's own batch captures. */
class HeaterWireTest {
  @TempDir Path tmp;

  /** The heater and fan sections of sample-multi-mcu.cfg, on the main MCU. */
  static final String MULTI_MCU_HEATERS = """
      [test_extruder]
      heater_pin: PB4
      sensor_type: EPCOS 100K B57560G104F
      sensor_pin: PK5
      control: pid
      pid_Kp: 22.2
      pid_Ki: 1.08
      pid_Kd: 114
      min_temp: 0
      max_temp: 250

      [heater_bed]
      heater_pin: PH5
      sensor_type: EPCOS 100K B57560G104F
      sensor_pin: PK6
      control: watermark
      min_temp: 0
      max_temp: 130

      [fan]
      pin: PH6
      """;

  /**
   * Commands about the given pins, with each oid replaced by its pin and query clocks (which
   * depend on the oid) blanked: comparable between hosts that number objects differently.
   */
  static List<String> aboutPins(List<String> sent, List<String> pins) {
    Map<String, String> oidPin = new HashMap<>();
    Pattern config = Pattern.compile("config_\\w+ oid=(\\d+) pin=(\\w+).*");
    for (String l : sent) {
      Matcher m = config.matcher(l);
      if (m.matches()) {
        oidPin.put(m.group(1), m.group(2));
      }
    }
    List<String> out = new ArrayList<>();
    Pattern oid = Pattern.compile("\\boid=(\\d+)");
    for (String l : sent) {
      Matcher m = oid.matcher(l);
      if (!m.find() || !pins.contains(oidPin.getOrDefault(m.group(1), "?"))) {
        continue;
      }
      String s = m.replaceAll(r -> "oid=" + oidPin.get(r.group(1)));
      if (s.startsWith("query_analog_in")) {
        s = s.replaceFirst("clock=\\d+", "clock=C");
      }
      out.add(s);
    }
    return out;
  }

  @Test
  void heatersAndTheFanAreConfiguredAsKlipperConfiguresThem() throws Exception {
    BatchRun run = BatchRun.run(tmp, MULTI_MCU_HEATERS, "");
    assertThat(run.exitCode).as(run.replies.toString()).isZero();
    List<String> pins = List.of("PB4", "PK5", "PH5", "PK6", "PH6");
    List<String> klipper = aboutPins(Files.readAllLines(
        Shared.wire().resolve("multi_mcu_move.parsed-auxboard.txt")), pins);
    List<String> ours = aboutPins(run.sent, pins);
    // Klipper's capture goes on with the print's fan and heater changes: compare the setup.
    assertThat(ours).containsExactlyInAnyOrderElementsOf(klipper.subList(0, ours.size()));
    assertThat(ours).contains(
        "query_analog_in oid=PK6 clock=C sample_ticks=16000 sample_count=8 rest_ticks=4800000"
            + " bytes_per_report=2 min_value=2999 max_value=8070 range_check_count=4",
        "query_analog_in oid=PK5 clock=C sample_ticks=16000 sample_count=8 rest_ticks=4800000"
            + " bytes_per_report=2 min_value=375 max_value=8070 range_check_count=4");
  }

  @Test
  void theMcuRangeFollowsMinAndMaxTemp() throws Exception {
    // example-cartesian.cfg: the same thermistor up to 110 and 210 °C.
    BatchRun run = BatchRun.run(tmp, MULTI_MCU_HEATERS.replace("max_temp: 250",
        "max_temp: 210").replace("max_temp: 130", "max_temp: 110"), "");
    List<String> pins = List.of("PK5", "PK6");
    List<String> klipper = aboutPins(Files.readAllLines(
        Shared.wire().resolve("cartesian_move.parsed.txt")), pins);
    assertThat(aboutPins(run.sent, pins)).containsExactlyInAnyOrderElementsOf(klipper);
  }

  @Test
  void fanSpeedsGoOutWithAKickStart() throws Exception {
    BatchRun run = BatchRun.run(tmp, "[fan]\npin: PH6\n",
        "M106 S127.5\nG4 P1000\nM106 S255\nG4 P1000\nM107\nM106 S200\nM107\n");
    List<String> fan = aboutPins(run.sent, List.of("PH6")).stream()
        .filter(l -> l.startsWith("queue_digital_out")).map(l -> l.replaceFirst(
            "clock=\\d+ ", "")).toList();
    // Off at start; from standstill full power for 0.1 s, then half; off at the end. As in
    // Klipper's batch output: the end of the file turns the fan off at the end of the queued
    // moves before the G-code requests after the first G4 are sent, which overrides them.
    assertThat(fan).containsExactly("queue_digital_out oid=PH6 on_ticks=0",
        "queue_digital_out oid=PH6 on_ticks=160000", "queue_digital_out oid=PH6 on_ticks=80000",
        "queue_digital_out oid=PH6 on_ticks=0");
    List<Long> clocks = aboutPins(run.sent, List.of("PH6")).stream()
        .filter(l -> l.startsWith("queue_digital_out")).map(l -> Long.parseLong(
            l.replaceAll(".*clock=(\\d+).*", "$1"))).toList();
    assertThat(clocks.get(2) - clocks.get(1)).isEqualTo(1_600_000); // kick_start_time 0.1 s
    assertThat(clocks.get(3) - clocks.get(1)).isEqualTo(32_000_000); // 2 x G4 P1000
    assertThat(clocks).isSorted();
  }

  @Test
  void aHeaterFanRunsAtFullSpeedWhenThePrinterShutsDown() throws Exception {
    BatchRun run = BatchRun.run(tmp, MULTI_MCU_HEATERS.replace("[fan]", "[heater_fan hotend]")
        + "heater: test_extruder\n", "");
    assertThat(run.exitCode).as(run.replies.toString()).isZero();
    assertThat(run.sent).anyMatch(l -> l.matches(
        "config_digital_out oid=\\d+ pin=PH6 value=0 default_value=1 max_duration=0"));
  }

  @Test
  void aHeaterFansEnablePinStaysOnWhenThePrinterShutsDown() throws Exception {
    BatchRun run = BatchRun.run(tmp, MULTI_MCU_HEATERS.replace("[fan]", "[heater_fan hotend]")
        + "heater: test_extruder\nenable_pin: PH4\n", "");
    assertThat(run.exitCode).as(run.replies.toString()).isZero();
    assertThat(run.sent).anyMatch(l -> l.matches(
        "config_digital_out oid=\\d+ pin=PH4 value=0 default_value=1 max_duration=0"));
  }

  @Test
  void aHardwarePwmFanUsesThePwmCommands() throws Exception {
    BatchRun run = BatchRun.run(tmp, "[fan]\npin: PH6\nhardware_pwm: True\ncycle_time: 0.002\n"
        + "kick_start_time: 0\n", "M106 S255\n");
    assertThat(run.sent).anyMatch(l -> l.matches(
        "config_pwm_out oid=\\d+ pin=PH6 cycle_ticks=32000 value=0 default_value=0"
            + " max_duration=0"));
    assertThat(run.sent).anyMatch(l -> l.matches("queue_pwm_out oid=\\d+ clock=\\d+ value=255"));
  }

  @Test
  void heaterTemperaturesAnswerM105AndTargetsAreCheckedInBatchMode() throws Exception {
    BatchRun run = BatchRun.run(tmp, MULTI_MCU_HEATERS,
        "M104 S200\nM140 S60\nM105\nM109 S200\nM190 S60\nTEMPERATURE_WAIT SENSOR=heater_bed"
            + " MINIMUM=50\nSET_HEATER_TEMPERATURE HEATER=heater_bed TARGET=0\nM105\n");
    assertThat(run.exitCode).as(run.replies.toString()).isZero();
    // No readings in batch mode: temperatures read 0 (as Klipper's do), targets as set.
    assertThat(run.replies).contains("B:0.0 /60.0 T0:0.0 /200.0", "B:0.0 /0.0 T0:0.0 /200.0");
  }

  @Test
  void aTachometerCountsOnTheMcu() throws Exception {
    BatchRun run = BatchRun.run(tmp, "[fan]\npin: PH6\ntachometer_pin: ^PH4\n", "");
    assertThat(run.exitCode).as(run.replies.toString()).isZero();
    assertThat(run.sent).anyMatch(l -> l.matches("config_counter oid=\\d+ pin=PH4 pull_up=1"));
    // Polled every 1.5 ms (24000 ticks at 16 MHz), reported once a second.
    assertThat(run.sent).anyMatch(l -> l.matches(
        "query_counter oid=\\d+ clock=\\d+ poll_ticks=24000 sample_ticks=16000000"));
  }

  @Test
  void outputsScheduledAfterTheMcuClockWrapsCarryItsLow32Bits() throws Exception {
    // 16 MHz: the 32-bit clock wraps after 268 s.
    BatchRun run = BatchRun.run(tmp, "[fan]\npin: PH6\nkick_start_time: 0\n",
        "G4 P300000\nM106 S255\n");
    assertThat(run.exitCode).as(run.replies.toString()).isZero();
    long clock = aboutPins(run.sent, List.of("PH6")).stream()
        .filter(l -> l.endsWith("on_ticks=160000"))
        .map(l -> Long.parseLong(l.replaceAll(".*clock=(\\d+).*", "$1"))).findFirst()
        .orElseThrow();
    assertThat(clock).isEqualTo((long) ((0.25 + 300) * 16_000_000) & 0xFFFFFFFFL);
  }
}
