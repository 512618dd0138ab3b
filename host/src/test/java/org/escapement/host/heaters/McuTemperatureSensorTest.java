package org.escapement.host.heaters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.escapement.host.config.ConfigError;
import org.escapement.host.heaters.McuTemperatureSensor.Line;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MCU's own temperature sensor: its ADC commands and each chip's calibration line. */
class McuTemperatureSensorTest {
  @TempDir Path tmp;

  static final String PRINTER = """
      [mcu]
      serial: /dev/null

      [printer]
      kinematics: none
      max_velocity: 1
      max_accel: 1

      """;

  static final String MCU_TEMP = """
      [temperature_sensor mcu_temp]
      sensor_type: temperature_mcu
      min_temp: 0
      max_temp: 100
      """;

  /** A flash whose 16- and 32-bit words are given by address; notes what was read. */
  static final class Flash implements McuTemperatureSensor.MemoryReader {
    final Map<Long, Long> words;
    final List<String> reads = new ArrayList<>();

    Flash(Map<Long, Long> words) {
      this.words = words;
    }

    @Override
    public long read(int order, long addr) {
      reads.add(order + ":" + Long.toHexString(addr));
      return words.get(addr);
    }
  }

  static final Flash NO_FLASH = new Flash(Map.of());

  @Test
  void batchModeSamplesTheStm32TemperatureChannelWithoutARangeCheck() throws Exception {
    // Klipper cannot read the factory calibration without an MCU, so in batch mode it asks
    // for the full ADC range (0..8*4095) and no range check.
    MotionRun r = MotionRun.run(tmp, PRINTER + MCU_TEMP, "", "stm32f407.dict");
    assertThat(r.error()).isNull();
    assertThat(r.sent).contains("config_analog_in oid=0 pin=ADC_TEMPERATURE");
    assertThat(r.sent.stream().filter(l -> l.startsWith("query_analog_in")).toList())
        .singleElement().asString()
        .matches("query_analog_in oid=0 clock=\\d+ sample_ticks=168000 sample_count=8"
            + " rest_ticks=50400000 bytes_per_report=2 min_value=0 max_value=32760"
            + " range_check_count=0");
  }

  @Test
  void batchModeSamplesTheRp2040TemperatureChannelWithoutARangeCheck() throws Exception {
    MotionRun r = MotionRun.run(tmp, PRINTER + MCU_TEMP, "", "rp2040.dict");
    assertThat(r.error()).isNull();
    assertThat(r.sent).contains("config_analog_in oid=0 pin=ADC_TEMPERATURE");
    assertThat(r.sent.stream().filter(l -> l.startsWith("query_analog_in")).toList())
        .singleElement().asString()
        .matches("query_analog_in oid=0 clock=\\d+ sample_ticks=12000 sample_count=8"
            + " rest_ticks=3600000 bytes_per_report=2 min_value=0 max_value=32760"
            + " range_check_count=0");
  }

  @Test
  void theHostTemperatureLoadsAsASensorTypeToo() throws Exception {
    MotionRun r = MotionRun.run(tmp, PRINTER + """
        [temperature_sensor host]
        sensor_type: temperature_host
        min_temp: 0
        max_temp: 100
        """, "");
    assertThat(r.error()).isNull();
    assertThat(r.printer.hasObject("temperature_sensor host")).isTrue();
  }

  @Test
  void aChipWithoutATemperatureChannelNamesThePin() throws Exception {
    MotionRun r = MotionRun.run(tmp, PRINTER + MCU_TEMP, "", "atmega2560.dict");
    assertThat(r.error()).endsWith(
        "Pin 'ADC_TEMPERATURE' is not a valid pin name on mcu 'mcu'");
  }

  @Test
  void aFirstCalibrationPointNeedsItsAdcValue() throws Exception {
    MotionRun r = MotionRun.run(tmp, PRINTER + MCU_TEMP + "sensor_temperature1: 25\n", "",
        "stm32f407.dict");
    assertThat(r.error()).contains("sensor_adc1").contains("temperature_sensor mcu_temp");
  }

  @Test
  void theRp2040LineRunsThroughTheDatasheetPoint() {
    // 0.706 V at 27 C falling 1.721 mV per degree, against 3.3 V.
    Line line = McuTemperatureSensor.nominalLine("rp2040", NO_FLASH);
    assertThat(line.slope()).isCloseTo(-1917.48983, within(1e-4));
    assertThat(line.base()).isCloseTo(437.22661, within(1e-4));
    assertThat(line.celsius(0.706 / 3.3)).isCloseTo(27, within(1e-9));
    assertThat(line.celsius(0.2)).isCloseTo(53.72865, within(1e-4));
    // The MCU's limits for min_temp 0 and max_temp 100 (the slope is negative).
    assertThat(line.adc(0)).isCloseTo(0.228020, within(1e-6));
    assertThat(line.adc(100)).isCloseTo(0.175869, within(1e-6));
  }

  @Test
  void anStm32f4ReadsItsFactoryCalibrationAt30And110Degrees() {
    Flash flash = new Flash(Map.of(0x1FFF7A2CL, 944L, 0x1FFF7A2EL, 1210L));
    Line line = McuTemperatureSensor.nominalLine("stm32f407xx", flash);
    assertThat(flash.reads).containsExactly("1:1fff7a2c", "1:1fff7a2e");
    assertThat(line.slope()).isCloseTo(1231.57895, within(1e-4)); // 80 * 4095 / 266
    assertThat(line.celsius(944 / 4095.0)).isCloseTo(30, within(1e-9));
    assertThat(line.celsius(0.25)).isCloseTo(53.98496, within(1e-4));
  }

  @Test
  void anStm32g0ScalesItsThreeVoltCalibrationToThreePointThree() {
    Flash flash = new Flash(Map.of(0x1FFF75A8L, 1040L, 0x1FFF75CAL, 1380L));
    Line line = McuTemperatureSensor.nominalLine("stm32g0b1xx", flash);
    assertThat(line.slope()).isCloseTo(1324.85294, within(1e-4));
    assertThat(line.base()).isCloseTo(-275.88235, within(1e-4));
    assertThat(line.celsius(0.3)).isCloseTo(121.57353, within(1e-4));
    // The same addresses serve the g4 and l4.
    assertThat(McuTemperatureSensor.nominalLine("stm32g474xx", flash)).isEqualTo(line);
    assertThat(McuTemperatureSensor.nominalLine("stm32l412xx", flash)).isEqualTo(line);
  }

  @Test
  void stm32f0AndH7ReadTheirOwnAddresses() {
    Flash f0 = new Flash(Map.of(0x1FFFF7B8L, 1700L, 0x1FFFF7C2L, 1300L));
    McuTemperatureSensor.nominalLine("stm32f042x6", f0);
    Line f070 = McuTemperatureSensor.nominalLine("stm32f070xb", f0);
    assertThat(f0.reads).containsExactly("1:1ffff7b8", "1:1ffff7c2", "1:1ffff7b8");
    assertThat(f070.slope()).isCloseTo(3.3 / -0.0043, within(1e-9));
    assertThat(f070.celsius(1700 / 4095.0)).isCloseTo(30, within(1e-9));
    Flash h7 = new Flash(Map.of(0x1FF1E820L, 12000L, 0x1FF1E840L, 16000L));
    // The h743 calibrated with its 16-bit ADC at 110 C, the h723 with 12 bits at 130 C.
    assertThat(McuTemperatureSensor.nominalLine("stm32h743xx", h7).slope())
        .isCloseTo(80 * 65535 / 4000.0, within(1e-9));
    assertThat(McuTemperatureSensor.nominalLine("stm32h723xx", h7).slope())
        .isCloseTo(100 * 4095 / 4000.0, within(1e-9));
  }

  @Test
  void aSamd21ReadsItsTemperatureLogFromTheNvm() {
    // Room 25.3 C read 2000 with 1 V off by +5 mV; hot 83.7 C read 2400 with -3 mV.
    Flash flash = new Flash(Map.of(0x00806030L, 0x05753319L, 0x00806034L, 0x9607d0fdL));
    Line line = McuTemperatureSensor.nominalLine("samd21g18a", flash);
    assertThat(flash.reads).containsExactly("2:806030", "2:806034");
    assertThat(line.slope()).isCloseTo(1959.25621, within(1e-4));
    assertThat(line.base()).isCloseTo(-263.22036, within(1e-4));
    assertThat(line.celsius(0.15)).isCloseTo(30.66807, within(1e-4));
    Flash samd51 = new Flash(Map.of(0x00800100L, 0x05753319L, 0x00800104L, 0x9607d0fdL));
    assertThat(McuTemperatureSensor.nominalLine("samd51p20a", samd51)).isEqualTo(line);
  }

  @Test
  void sam3Sam4AndSame70UseTheirDatasheetLines() {
    assertThat(McuTemperatureSensor.nominalLine("sam3x8e", NO_FLASH).celsius(0.8 / 3.3))
        .isCloseTo(27, within(1e-9));
    assertThat(McuTemperatureSensor.nominalLine("sam4e8e", NO_FLASH).celsius(1.44 / 3.3))
        .isCloseTo(27, within(1e-9));
    assertThat(McuTemperatureSensor.nominalLine("same70q20b", NO_FLASH).celsius(0.72 / 3.3))
        .isCloseTo(25, within(1e-9));
    assertThat(McuTemperatureSensor.nominalLine("stm32f103xe", NO_FLASH).celsius(1.43 / 3.3))
        .isCloseTo(25, within(1e-9));
  }

  @Test
  void aChipKlipperHasNoFiguresForIsRefused() {
    // Klipper has no line for the stm32f7 (nor f031, lpc, ...): it refuses at identify.
    assertThatThrownBy(() -> McuTemperatureSensor.nominalLine("stm32f765xx", NO_FLASH))
        .isInstanceOf(ConfigError.class)
        .hasMessage("MCU temperature not supported on stm32f765xx");
  }

  @Test
  void userPointsReplaceTheNominalLine() {
    Line nominal = McuTemperatureSensor.nominalLine("rp2040", NO_FLASH);
    Line one = McuTemperatureSensor.userLine(nominal, 25.0, 0.22, null, null);
    assertThat(one.slope()).isEqualTo(nominal.slope());
    assertThat(one.celsius(0.22)).isCloseTo(25, within(1e-9));
    Line two = McuTemperatureSensor.userLine(nominal, 25.0, 0.22, 45.0, 0.21);
    assertThat(two.slope()).isCloseTo(-2000, within(1e-6));
    assertThat(two.celsius(0.21)).isCloseTo(45, within(1e-9));
  }
}
