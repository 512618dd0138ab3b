package org.escapement.host.heaters;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes in heater, sensor and fan sections: each stops the start and says what, where. */
class HeaterConfigTest {
  @TempDir Path tmp;

  static final String BED = """
      [heater_bed]
      heater_pin: PH5
      sensor_type: EPCOS 100K B57560G104F
      sensor_pin: PK6
      control: watermark
      min_temp: 0
      max_temp: 130
      """;

  String error(String config) throws Exception {
    BatchRun run = BatchRun.run(tmp, config, "");
    assertThat(run.exitCode).as(run.replies.toString()).isNotZero();
    return run.error();
  }

  @Test
  void anUnknownSensorTypeIsNamedWithItsOption() throws Exception {
    assertThat(error(BED.replace("EPCOS 100K B57560G104F", "EPCOS 100K")))
        .isEqualTo("Option 'sensor_type' in section 'heater_bed' (printer.cfg:11): Unknown"
            + " temperature sensor 'EPCOS 100K'");
  }

  @Test
  void aKlipperSensorWeCannotReadYetSaysSo() throws Exception {
    assertThat(error(BED.replace("EPCOS 100K B57560G104F", "MAX6675")))
        .endsWith(": temperature sensor 'MAX6675' is not supported yet");
  }

  @Test
  void maxTempMustBeAboveMinTemp() throws Exception {
    assertThat(error(BED.replace("min_temp: 0", "min_temp: 130")))
        .startsWith("Option 'max_temp' in section 'heater_bed' must be above 130");
  }

  @Test
  void pidGainsMustBeNumbers() throws Exception {
    assertThat(error(BED.replace("control: watermark",
        "control: pid\npid_Kp: 22.2\npid_Ki: fast\npid_Kd: 114")))
        .startsWith("Unable to parse option 'pid_Ki' in section 'heater_bed'")
        .contains("'fast' is not a number");
    assertThat(error(BED.replace("control: watermark", "control: pid\npid_Kp: 22.2")))
        .isEqualTo("Option 'pid_Ki' in section 'heater_bed' must be specified");
    assertThat(error(BED.replace("control: watermark", "control: bang")))
        .startsWith("Choice 'bang' for option 'control' in section 'heater_bed' is not a valid"
            + " choice");
  }

  @Test
  void aHeaterPinUsedTwiceIsRefused() throws Exception {
    assertThat(error(BED + "\n[fan]\npin: PH5\n"))
        .startsWith("Option 'pin' in section 'fan' (")
        .endsWith("pin PH5 used multiple times in config");
  }

  @Test
  void pwmCycleTimeCannotExceedTheReportTime() throws Exception {
    assertThat(error(BED + "pwm_cycle_time: 0.5\n"))
        .startsWith("Option 'pwm_cycle_time' in section 'heater_bed' must have maximum of 0.3");
  }

  @Test
  void aCustomThermistorMayComeAfterTheHeaterThatUsesIt() throws Exception {
    BatchRun run = BatchRun.run(tmp, BED.replace("EPCOS 100K B57560G104F", "my thermistor")
        + "\n[thermistor my thermistor]\ntemperature1: 25\nresistance1: 100000\nbeta: 3950\n",
        "");
    assertThat(run.exitCode).as(run.replies.toString()).isZero();
    assertThat(run.sent).anyMatch(l -> l.startsWith("query_analog_in"));
  }

  @Test
  void twoSensorsCannotShareAGcodeId() throws Exception {
    assertThat(error(BED + "\n[temperature_sensor chamber]\nsensor_type: PT1000\n"
        + "sensor_pin: PK7\ngcode_id: B\n")).isEqualTo("G-Code sensor id B already registered");
  }

  @Test
  void aHeaterFanNeedsItsHeater() throws Exception {
    assertThat(error("[heater_fan hotend]\npin: PH6\n"))
        .isEqualTo("Unknown heater 'extruder'");
  }

  @Test
  void unreadOptionsAreReported() throws Exception {
    assertThat(error(BED + "pid_Kp: 10\n"))
        .startsWith("Option 'pid_kp' is not valid in section 'heater_bed'");
  }

  @Test
  void aControllerFanWatchesKnownSteppersAndHeaters() throws Exception {
    BatchRun ok = BatchRun.run(tmp, BED + "\n[controller_fan board]\npin: PH6\n"
        + "heater: heater_bed\n", "");
    assertThat(ok.exitCode).as(ok.replies.toString()).isZero();
    assertThat(error(BED + "\n[controller_fan board]\npin: PH6\nheater: heater_bed\n"
        + "stepper: stepper_q\n")).isEqualTo("One or more of these steppers are unknown:"
        + " [stepper_q] (valid steppers are: )");
  }
}
