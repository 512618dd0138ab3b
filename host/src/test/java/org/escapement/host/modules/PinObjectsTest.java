package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.mcu.McuAdc;
import org.escapement.host.mcu.McuPwm;
import org.escapement.host.mcu.WireCapture;
import org.escapement.host.printer.HostSession;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StartOptions;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs and inputs on MCU pins, seen in what batch mode sends. */
class PinObjectsTest {
  @TempDir Path tmp;
  final ByteArrayOutputStream replies = new ByteArrayOutputStream();

  /** A section that sets up a heater-style PWM and a thermistor-style ADC. */
  static final class TestPins {
    TestPins(Printer printer, ConfigSection section) {
      McuPwm pwm = PinSetup.pwm(printer, section, "pwm_pin");
      pwm.setupCycleTime(section.getFloat("cycle_time", 0.1), section.getBoolean(
          "hardware_pwm", false));
      pwm.setupMaxDuration(3.0);
      McuAdc adc = PinSetup.adc(printer, section, "adc_pin");
      adc.setupSampling(0.3, 0.001, 8, 0.25, 0.97, 4);
    }
  }

  List<String> sent(String config) throws Exception {
    Path cfg = tmp.resolve("printer.cfg");
    Files.writeString(cfg, "[mcu]\nserial: /dev/ttyACM0\n\n[printer]\nkinematics: none\n"
        + "max_velocity: 300\nmax_accel: 3000\n\n" + config);
    Path gcode = tmp.resolve("in.gcode");
    Files.writeString(gcode, "");
    StartOptions options = new StartOptions(cfg, gcode, tmp.resolve("out.serial"),
        Map.of("mcu", Shared.wire("atmega2560.dict")), 1.0, null, "test", tmp);
    int code = new HostSession(options, StandardModules.registry()
        .register("test_pins", TestPins::new), "test",
        new PrintStream(replies, true, StandardCharsets.UTF_8), InputStream.nullInputStream())
        .run();
    if (code != 0) {
      return List.of(replies.toString(StandardCharsets.UTF_8).strip());
    }
    return WireCapture.decode(Dictionary.load(Shared.wire("atmega2560.dict")),
        tmp.resolve("out.serial"));
  }

  @Test
  void softwarePwmAndAnAdcAreConfiguredAsKlipperConfiguresAHeater() throws Exception {
    // The extruder heater of Klipper's own capture: same pins, same timing, same limits.
    List<String> sent = sent("[test_pins]\npwm_pin: PB4\nadc_pin: PK5\n");
    assertThat(sent.stream().map(l -> l.replaceAll("crc=\\d+", "crc=N")).toList())
        .containsSubsequence(
        "config_digital_out oid=0 pin=PB4 value=0 default_value=0 max_duration=48000000",
        "set_digital_out_pwm_cycle oid=0 cycle_ticks=1600000",
        "config_analog_in oid=1 pin=PK5",
        "finalize_config crc=N",
        "queue_digital_out oid=0 clock=3200000 on_ticks=0",
        "query_analog_in oid=1 clock=16160000 sample_ticks=16000 sample_count=8"
            + " rest_ticks=4800000 bytes_per_report=2 min_value=2046 max_value=7939"
            + " range_check_count=4");
  }

  @Test
  void hardwarePwmUsesThePwmCommands() throws Exception {
    List<String> sent = sent("[test_pins]\npwm_pin: !PH5\nadc_pin: PK6\nhardware_pwm: True\n"
        + "cycle_time: 0.01\n");
    // Inverted: the pin idles high, i.e. the heater off.
    assertThat(sent).contains(
        "config_pwm_out oid=0 pin=PH5 cycle_ticks=160000 value=255 default_value=255"
            + " max_duration=48000000");
  }

  @Test
  void staticOutputsAreSetOnce() throws Exception {
    List<String> sent = sent("[static_digital_output ms]\npins: PA1, !PA2\n");
    assertThat(sent).contains("set_digital_out pin=PA1 value=1",
        "set_digital_out pin=PA2 value=0");
  }

  @Test
  void pinMistakesNameTheOption() throws Exception {
    assertThat(sent("[test_pins]\npwm_pin: PZ9\nadc_pin: PK5\n")).singleElement().asString()
        .startsWith("!! Option 'pwm_pin' in section 'test_pins' (")
        .endsWith("printer.cfg:10): Pin 'PZ9' is not a valid pin name on mcu 'mcu'");
    replies.reset();
    assertThat(sent("[test_pins]\npwm_pin: PK5\nadc_pin: PK5\n")).singleElement().asString()
        .startsWith("!! Option 'adc_pin' in section 'test_pins' (")
        .endsWith("pin PK5 used multiple times in config");
    replies.reset();
    assertThat(sent("[static_digital_output x]\npins: PE0\n")).singleElement().asString()
        .isEqualTo("!! pin PE0 is reserved for serial");
  }
}
