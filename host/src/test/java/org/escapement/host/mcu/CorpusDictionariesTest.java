package org.escapement.host.mcu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every real Klipper build in the corpus: the host connects to it and has what it needs. */
class CorpusDictionariesTest {
  /** Commands and responses the host's modules rely on, in the exact formats they use. */
  static final List<String> CORE_COMMANDS = List.of(
      "identify offset=%u count=%c", "get_uptime", "get_clock", "get_config",
      "allocate_oids count=%c", "finalize_config crc=%u", "emergency_stop", "clear_shutdown",
      "config_stepper oid=%c step_pin=%c dir_pin=%c invert_step=%c step_pulse_ticks=%u",
      "queue_step oid=%c interval=%u count=%hu add=%hi", "set_next_step_dir oid=%c dir=%c",
      "reset_step_clock oid=%c clock=%u", "stepper_get_position oid=%c",
      "stepper_stop_on_trigger oid=%c trsync_oid=%c", "config_endstop oid=%c pin=%c pull_up=%c",
      "endstop_home oid=%c clock=%u sample_ticks=%u sample_count=%c rest_ticks=%u"
          + " pin_value=%c trsync_oid=%c trigger_reason=%c",
      "endstop_query_state oid=%c", "config_trsync oid=%c",
      "trsync_start oid=%c report_clock=%u report_ticks=%u expire_reason=%c",
      "trsync_set_timeout oid=%c clock=%u", "trsync_trigger oid=%c reason=%c",
      "config_digital_out oid=%c pin=%u value=%c default_value=%c max_duration=%u",
      "set_digital_out_pwm_cycle oid=%c cycle_ticks=%u",
      "queue_digital_out oid=%c clock=%u on_ticks=%u", "update_digital_out oid=%c value=%c");
  static final List<String> CORE_RESPONSES = List.of(
      "uptime high=%u clock=%u", "clock clock=%u",
      "config is_config=%c crc=%u is_shutdown=%c move_count=%hu",
      "shutdown clock=%u static_string_id=%hu", "is_shutdown static_string_id=%hu",
      "stepper_position oid=%c pos=%i",
      "trsync_state oid=%c can_trigger=%c trigger_reason=%c clock=%u",
      "endstop_state oid=%c homing=%c next_clock=%u pin_value=%c",
      "stats count=%u sum=%u sumsq=%u", "starting");
  static final List<String> ANALOG_COMMANDS = List.of("config_analog_in oid=%c pin=%u",
      "query_analog_in oid=%c clock=%u sample_ticks=%u sample_count=%c rest_ticks=%u"
          + " bytes_per_report=%c min_value=%hu max_value=%hu range_check_count=%c");
  /** Tiny AVR builds leave analog input out. */
  static final List<String> WITHOUT_ANALOG = List.of("atmega328.dict", "lgt8f328p.dict");

  static List<Path> dictionaries() throws IOException {
    try (Stream<Path> s = Files.list(Shared.wire())) {
      return s.filter(p -> p.toString().endsWith(".dict")).sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("dictionaries")
  @Timeout(30)
  void connectsAndFindsEveryCommandItNeeds(Path file) throws Exception {
    byte[] json = Files.readAllBytes(file);
    Dictionary dict = Dictionary.parseJson(json);
    for (String c : CORE_COMMANDS) {
      assertThat(dict.requireCommand(c).format()).isEqualTo(c);
    }
    for (String r : CORE_RESPONSES) {
      assertThat(dict.requireResponse(r).format()).isEqualTo(r);
    }
    boolean analog = !WITHOUT_ANALOG.contains(file.getFileName().toString());
    for (String c : ANALOG_COMMANDS) {
      assertThat(dict.command(c.split(" ")[0]).isPresent()).as(c).isEqualTo(analog);
    }
    // A firmware serving this dictionary: identify, clock sync and configuration go through.
    try (LinkHarness h = new LinkHarness(json, null, 0)) {
      Mcu mcu = h.newMcu("mcu");
      String firstPin = dict.enumeration("pin").map(e -> e.symbols().keySet().iterator().next())
          .orElse(null);
      h.call(() -> {
        mcu.identify();
        int oid = mcu.createOid();
        if (firstPin != null) {
          mcu.addConfigCmd("config_digital_out oid=" + oid + " pin=" + firstPin
              + " value=0 default_value=0 max_duration=0", false, false);
        } else {
          mcu.addConfigCmd("config_trsync oid=" + oid, false, false);
        }
        mcu.configure();
        return null;
      });
      assertThat(mcu.dictionary().messages()).hasSameSizeAs(dict.messages());
      double freq = dict.constantNumber("CLOCK_FREQ");
      assertThat(mcu.clock().mcuFreq()).isEqualTo(freq);
      h.close(mcu);
    }
  }
}
