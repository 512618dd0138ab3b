package org.escapement.host.heaters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.junit.jupiter.api.Test;

/** Sensor curves against the points their datasheets give. */
class SensorTest {
  static final double PULLUP = 4700;

  /** What the ADC reads (0..1) for a thermistor of {@code ohms} under the pull-up. */
  static double adcFor(double ohms) {
    return ohms / (ohms + PULLUP);
  }

  static Thermistor builtIn(String type) {
    return SensorCatalog.THERMISTORS.get(type).thermistor(PULLUP, 0, type);
  }

  @Test
  void theEpcosThermistorReadsItsDatasheetPoints() {
    Thermistor t = builtIn("EPCOS 100K B57560G104F");
    assertThat(t.calcTemp(adcFor(100000))).isCloseTo(25, within(0.01));
    assertThat(t.calcTemp(adcFor(1641.9))).isCloseTo(150, within(0.01));
    assertThat(t.calcTemp(adcFor(226.15))).isCloseTo(250, within(0.01));
  }

  @Test
  void everyBuiltInThermistorConvertsBothWays() {
    for (String type : SensorCatalog.THERMISTORS.keySet()) {
      Thermistor t = builtIn(type);
      for (double celsius : new double[] {0, 25, 100, 200, 300}) {
        assertThat(t.calcTemp(t.calcAdc(celsius))).as(type + " at " + celsius)
            .isCloseTo(celsius, within(1e-6));
      }
      // Hotter means less resistance: a lower reading.
      assertThat(t.calcAdc(250)).as(type).isLessThan(t.calcAdc(25));
    }
  }

  @Test
  void betaThermistorsReadTheirNominalResistanceAt25Degrees() {
    assertThat(builtIn("Honeywell 100K 135-104LAG-J01").calcTemp(adcFor(100000)))
        .isCloseTo(25, within(1e-9));
    // Beta 4100 between 25 °C and 100 °C: R100 = 100k * exp(4100 (1/373.15 - 1/298.15)).
    double r100 = 100000 * Math.exp(4100 * (1 / 373.15 - 1 / 298.15));
    assertThat(builtIn("NTC 100K MGB18-104F39050L32").calcTemp(adcFor(r100)))
        .isCloseTo(100, within(1e-9));
  }

  @Test
  void anInlineResistorIsTakenOutOfTheReading() {
    Thermistor plain = builtIn("Generic 3950");
    Thermistor inline = SensorCatalog.THERMISTORS.get("Generic 3950").thermistor(PULLUP, 100,
        "x");
    assertThat(inline.calcTemp(adcFor(1770 + 100))).isCloseTo(plain.calcTemp(adcFor(1770)),
        within(1e-9));
    assertThat(inline.calcTemp(adcFor(1770 + 100))).isCloseTo(150, within(0.01));
  }

  @Test
  void threePointsThatDoNotFitFallBackToBeta() {
    // A straight line in 1/T against ln R: c3 would be 0 (or below); beta through the ends.
    double beta = 3950;
    double r150 = 100000 * Math.exp(beta * (1 / 423.15 - 1 / 298.15));
    double r250 = 100000 * Math.exp(beta * (1 / 523.15 - 1 / 298.15)) * 1.3; // bent the wrong way
    Thermistor t = Thermistor.fromPoints(PULLUP, 0, 25, 100000, 150, r150, 250, r250, "test");
    assertThat(t.coefficients()[2]).isZero();
    assertThat(t.calcTemp(adcFor(100000))).isCloseTo(25, within(1e-9));
  }

  @Test
  void platinumSensorsFollowCallendarVanDusen() {
    Config config = Config.fromText("[s]\n", Path.of("printer.cfg"));
    ConfigSection s = config.section("s");
    AdcConverter pt1000 = new LinearResistance(s,
        SensorCatalog.RESISTANCE_TABLES.get("PT1000"));
    assertThat(pt1000.calcTemp(adcFor(1000))).isCloseTo(0, within(1e-6));
    assertThat(pt1000.calcTemp(adcFor(1385.055))).isCloseTo(100, within(0.01));
    assertThat(pt1000.calcAdc(100)).isCloseTo(adcFor(1385.055), within(1e-5));
    AdcConverter ina826 = new LinearVoltage(s, SensorCatalog.VOLTAGE_TABLES.get("PT100 INA826"));
    // 100 °C: 138.5 ohm under 4400 ohm from 5 V, times 10, against a 5 V ADC reference.
    double volts = 10 * 5 * 138.5055 / (4400 + 138.5055);
    assertThat(ina826.calcTemp(volts / 5)).isCloseTo(100, within(0.01));
  }

  @Test
  void amplifierTablesReadVolts() {
    Config config = Config.fromText("[s]\nadc_voltage: 3.3\n", Path.of("printer.cfg"));
    AdcConverter ad595 = new LinearVoltage(config.section("s"),
        SensorCatalog.VOLTAGE_TABLES.get("AD595"));
    assertThat(ad595.calcTemp(2.015 / 3.3)).isCloseTo(200, within(1e-9));
    assertThat(ad595.calcTemp((2.015 + 2.213) / 2 / 3.3)).isCloseTo(210, within(1e-9));
    assertThat(ad595.calcAdc(200)).isCloseTo(2.015 / 3.3, within(1e-9));
  }

  @Test
  void tablesNeedTwoDistinctPoints() {
    Config config = Config.fromText("[heater_bed]\n", Path.of("printer.cfg"));
    ConfigSection s = config.section("heater_bed");
    assertThatThrownBy(() -> new LinearVoltage(s, List.of(new double[] {25, 1})))
        .isInstanceOf(ConfigError.class)
        .hasMessage("adc_temperature need at least two samples in heater heater_bed");
    assertThatThrownBy(() -> new LinearResistance(s, List.of(new double[] {25, 1000},
        new double[] {50, 1000}))).hasMessage(
        "adc_temperature duplicate value in heater heater_bed");
  }
}
