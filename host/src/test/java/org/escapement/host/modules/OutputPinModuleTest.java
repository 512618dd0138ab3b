package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.escapement.host.motion.MotionRun;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [output_pin], [pwm_cycle_time] and [pwm_tool]: what batch mode sends for SET_PIN. */
class OutputPinModuleTest {
  @TempDir Path tmp;
  private MotionRun last;

  /** The decoded commands, or the error the run printed. */
  List<String> sent(String config, String gcode) throws Exception {
    last = MotionRun.run(tmp, "[mcu]\nserial: /dev/ttyACM0\n\n[printer]\nkinematics: none\n"
        + "max_velocity: 300\nmax_accel: 3000\n\n" + config, gcode);
    return last.sentOrReplies();
  }

  /** The commands for one oid after the config (its set-up and its changes). */
  static List<String> of(List<String> sent, int oid) {
    return sent.stream().filter(l -> l.contains(" oid=" + oid + " ")).toList();
  }

  @Test
  void aDigitalPinIsConfiguredWithoutMaxDurationAndSwitchedAfterTheQueuedMoves()
      throws Exception {
    List<String> sent = sent("[output_pin light]\npin: !PA1\nvalue: 1\n",
        "SET_PIN PIN=light VALUE=0\nG4 P1000\nSET_PIN PIN=light VALUE=1\n");
    // Inverted: on is low. An idle toolhead starts 0.25 s ahead; the dwell moves the second
    // change 1 s on (16 MHz clock).
    assertThat(sent).containsSubsequence(
        "config_digital_out oid=0 pin=PA1 value=0 default_value=1 max_duration=0",
        "finalize_config crc=" + crc(sent),
        "queue_digital_out oid=0 clock=4000000 on_ticks=1",
        "queue_digital_out oid=0 clock=20000000 on_ticks=0");
    // update_digital_out only goes to an MCU that kept its configuration.
    assertThat(sent).noneMatch(l -> l.startsWith("update_digital_out"));
  }

  static String crc(List<String> sent) {
    return sent.stream().filter(l -> l.startsWith("finalize_config")).findFirst().orElseThrow()
        .substring("finalize_config crc=".length());
  }

  @Test
  void changesComeAtLeastAMinimumScheduleTimeApartAndOvertakenOnesAreDropped()
      throws Exception {
    List<String> sent = sent("[output_pin fan2]\npin: PH5\npwm: True\ncycle_time: 0.01\n",
        "SET_PIN PIN=fan2 VALUE=0.5\nG4 P50\nSET_PIN PIN=fan2 VALUE=0.25\n"
            + "G4 P500\nSET_PIN PIN=fan2 VALUE=0.75\nSET_PIN PIN=fan2 VALUE=1\n"
            + "SET_PIN PIN=fan2 VALUE=1\n");
    assertThat(of(sent, 0)).containsExactly(
        "config_digital_out oid=0 pin=PH5 value=0 default_value=0 max_duration=0",
        "set_digital_out_pwm_cycle oid=0 cycle_ticks=160000",
        "queue_digital_out oid=0 clock=3200000 on_ticks=0",
        // 0.25 s; the next asked at 0.30 s waits until 0.35 s
        "queue_digital_out oid=0 clock=4000000 on_ticks=80000",
        "queue_digital_out oid=0 clock=5600000 on_ticks=40000",
        // 0.75 and 1 are asked at the same time: only the last is sent
        "queue_digital_out oid=0 clock=12800000 on_ticks=160000");
  }

  @Test
  void hardwarePwmScalesValuesToTheMcusPwmMax() throws Exception {
    List<String> sent = sent("[output_pin laser]\npin: PH6\npwm: True\nhardware_pwm: True\n"
        + "cycle_time: 0.001\nscale: 10\nvalue: 5\nshutdown_value: 0\n",
        "SET_PIN PIN=laser VALUE=2.5\n");
    assertThat(of(sent, 0)).containsExactly(
        "config_pwm_out oid=0 pin=PH6 cycle_ticks=16000 value=127 default_value=0"
            + " max_duration=0",
        "queue_pwm_out oid=0 clock=4000000 value=64");
  }

  @Test
  void pwmCycleTimeSendsTheNewPeriodBeforeTheValue() throws Exception {
    List<String> sent = sent("[pwm_cycle_time beeper]\npin: PH7\ncycle_time: 0.01\n",
        "SET_PIN PIN=beeper VALUE=0.5\nSET_PIN PIN=beeper VALUE=0.5 CYCLE_TIME=0.001\n"
            + "SET_PIN PIN=beeper VALUE=0.5 CYCLE_TIME=0.001\nSET_PIN PIN=beeper VALUE=0\n");
    assertThat(of(sent, 0)).containsExactly(
        "config_digital_out oid=0 pin=PH7 value=0 default_value=0 max_duration=0",
        "set_digital_out_pwm_cycle oid=0 cycle_ticks=160000",
        "queue_digital_out oid=0 clock=3200000 on_ticks=0",
        "queue_digital_out oid=0 clock=4000000 on_ticks=80000",
        "set_digital_out_pwm_cycle oid=0 cycle_ticks=16000",
        "queue_digital_out oid=0 clock=5600000 on_ticks=8000",
        // the repeat changes nothing; back to the configured period
        "set_digital_out_pwm_cycle oid=0 cycle_ticks=160000",
        "queue_digital_out oid=0 clock=7199999 on_ticks=0");
  }

  @Test
  void pwmToolChangesAreNotSpacedOutAndRefreshWithinTheMaximumMcuDuration()
      throws Exception {
    List<String> sent = sent("[output_pin other]\npin: PA1\n\n"
        + "[pwm_tool laser]\npin: PH4\nhardware_pwm: True\nmaximum_mcu_duration: 1\n",
        "SET_PIN PIN=laser VALUE=0.5\nSET_PIN PIN=laser VALUE=1\nG4 P2500\n"
            + "SET_PIN PIN=laser VALUE=0\n");
    // pwm_tool takes its oid when the section is read, before the other pins get theirs.
    assertThat(of(sent, 0)).containsExactly(
        "config_pwm_out oid=0 pin=PH4 cycle_ticks=1600000 value=0 default_value=0"
            + " max_duration=16000000",
        "queue_pwm_out oid=0 clock=4000000 value=128",
        "queue_pwm_out oid=0 clock=4000000 value=255",
        // on, so resent every second until switched off
        "queue_pwm_out oid=0 clock=20000000 value=255",
        "queue_pwm_out oid=0 clock=36000000 value=255",
        "queue_pwm_out oid=0 clock=44000000 value=0");
    assertThat(of(sent, 1)).first().asString().startsWith("config_digital_out oid=1 pin=PA1");
  }

  @Test
  void statusReportsTheScaledValueWhichChangesOnlyWhenTheChangeIsSent() throws Exception {
    // value 1 of scale 2; a SET_PIN shows once motion is flushed up to its time, as in Klipper
    sent("[output_pin p]\npin: PH5\npwm: True\nscale: 2\nvalue: 1\n\n[respond]\n\n"
        + "[gcode_macro SHOW]\ngcode:\n  RESPOND MSG=\"{params.AT} {printer['output_pin p'].value}\"\n",
        "SHOW AT=before\nSET_PIN PIN=p VALUE=1.5\nSHOW AT=queued\n");
    assertThat(String.join("\n", last.replies)).contains("before 0.5", "queued 0.5");
  }

  @Test
  void badValuesAreRefusedInKlippersWords() throws Exception {
    String cfg = "[output_pin d]\npin: PA1\n\n[output_pin p]\npin: PA2\npwm: True\n";
    assertThat(sent(cfg, "SET_PIN PIN=d VALUE=0.5\n")).singleElement().asString()
        .endsWith("!! Invalid pin value");
    assertThat(sent(cfg, "SET_PIN PIN=p VALUE=1.5\n")).singleElement().asString()
        .endsWith("!! Error on 'SET_PIN PIN=p VALUE=1.5': VALUE must have maximum of 1");
    assertThat(sent(cfg, "SET_PIN PIN=p\n")).singleElement().asString()
        .endsWith("!! SET_PIN command must specify VALUE or TEMPLATE");
    assertThat(sent(cfg, "SET_PIN PIN=q VALUE=1\n")).singleElement().asString()
        .endsWith("!! The value 'q' is not valid for PIN. Options: 'd', 'p'");
  }

  @Test
  void removedAndBadOptionsAreConfigErrors() throws Exception {
    // static_value and maximum_mcu_duration left [output_pin] in Klipper (2024-09-12).
    assertThat(sent("[output_pin d]\npin: PA1\nstatic_value: 1\n", "")).singleElement()
        .asString().contains("Option 'static_value' is not valid in section 'output_pin d'");
    assertThat(sent("[output_pin d]\npin: PA1\npwm: True\nmaximum_mcu_duration: 1\n", ""))
        .singleElement().asString()
        .contains("Option 'maximum_mcu_duration' is not valid in section 'output_pin d'");
    assertThat(sent("[output_pin d]\npin: PA1\npwm: True\nshutdown_value: 0.5\n", ""))
        .singleElement().asString().contains("shutdown value must be 0.0 or 1.0 on soft pwm");
    assertThat(sent("[output_pin d]\npin: PA1\npwm: True\ncycle_time: 5\n", ""))
        .singleElement().asString()
        .contains("Option 'cycle_time' in section 'output_pin d' must have maximum of 3");
    assertThat(sent("[output_pin d]\npin: PA1\nvalue: 2\n", "")).singleElement().asString()
        .contains("Option 'value' in section 'output_pin d' must have maximum of 1");
  }

  @Test
  void klippersPwmTestSendsEveryCycleTimeChange() throws Exception {
    Path corpus = Shared.dir().resolve("corpus/klipper-tests");
    String cfg = Files.readString(corpus.resolve("pwm.cfg"));
    cfg = cfg.substring(0, cfg.indexOf("[mcu]"));
    String gcode = String.join("\n", Files.readAllLines(corpus.resolve("pwm.test")).stream()
        .filter(l -> l.startsWith("SET_PIN")).toList()) + "\n";
    List<String> sent = sent(cfg, gcode);
    // [pwm_tool] took oid 0 when read; the others get theirs in config order.
    assertThat(sent).contains("allocate_oids count=4",
        "config_digital_out oid=1 pin=PH5 value=0 default_value=0 max_duration=0",
        "config_pwm_out oid=3 pin=PH6 cycle_ticks=160000 value=0 default_value=0"
            + " max_duration=0",
        "config_digital_out oid=0 pin=PH4 value=0 default_value=0 max_duration=0",
        // every SET_PIN came at once: output_pin sends only the last value ...
        "queue_digital_out oid=1 clock=4000000 on_ticks=160000",
        "queue_pwm_out oid=3 clock=4000000 value=255");
    // ... pwm_tool every change, at once ...
    assertThat(of(sent, 0)).endsWith("queue_digital_out oid=0 clock=4000000 on_ticks=80000",
        "queue_digital_out oid=0 clock=4000000 on_ticks=40000",
        "queue_digital_out oid=0 clock=4000000 on_ticks=160000");
    // ... and pwm_cycle_time every change, 0.1 s apart (Python's float sums: 0.45 s is
    // 7199999 ticks).
    assertThat(of(sent, 2)).containsExactly(
        "config_digital_out oid=2 pin=PH7 value=0 default_value=0 max_duration=0",
        "set_digital_out_pwm_cycle oid=2 cycle_ticks=160000",
        "queue_digital_out oid=2 clock=3200000 on_ticks=0",
        "queue_digital_out oid=2 clock=4000000 on_ticks=80000",
        "queue_digital_out oid=2 clock=5600000 on_ticks=160000",
        "set_digital_out_pwm_cycle oid=2 cycle_ticks=1600000",
        "queue_digital_out oid=2 clock=7199999 on_ticks=0",
        "set_digital_out_pwm_cycle oid=2 cycle_ticks=8000000",
        "queue_digital_out oid=2 clock=8799999 on_ticks=8000000",
        "set_digital_out_pwm_cycle oid=2 cycle_ticks=16000",
        "queue_digital_out oid=2 clock=10399999 on_ticks=8000",
        "set_digital_out_pwm_cycle oid=2 cycle_ticks=160000",
        "queue_digital_out oid=2 clock=11999999 on_ticks=120000",
        "set_digital_out_pwm_cycle oid=2 cycle_ticks=16000000",
        "queue_digital_out oid=2 clock=13599999 on_ticks=8000000",
        "set_digital_out_pwm_cycle oid=2 cycle_ticks=8000000",
        "queue_digital_out oid=2 clock=15199999 on_ticks=4000000",
        "queue_digital_out oid=2 clock=16799999 on_ticks=6000000",
        "set_digital_out_pwm_cycle oid=2 cycle_ticks=12000000",
        "queue_digital_out oid=2 clock=18400000 on_ticks=9000000");
  }
}
