package org.escapement.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSectionTest {
  static Config config(String text) {
    return Config.fromText(text, Path.of("printer.cfg"));
  }

  @Test
  void readsTypedValuesWithKlippersChecksAndMessages() {
    Config cfg = config("""
        [printer]
        kinematics: corexy
        max_velocity: 300
        max_accel: -5
        square_corner_velocity: 1e1
        steps: 0x10
        flag: Yes
        bad_flag: maybe
        list: 1, 2.5 , 3
        empty:
        """);
    ConfigSection p = cfg.section("printer");
    assertThat(p.getFloat("max_velocity", null, Bounds.above(0))).isEqualTo(300.0);
    assertThat(p.getFloat("square_corner_velocity", 5.0, Bounds.min(0))).isEqualTo(10.0);
    assertThat(p.getFloat("minimum_cruise_ratio", 0.5, Bounds.range(0, 1))).isEqualTo(0.5);
    assertThat(p.getBoolean("flag", false)).isTrue();
    assertThat(p.getFloatList("list", null, ",", 3)).containsExactly(1.0, 2.5, 3.0);
    assertThat(p.getList("empty", null, ",")).isEmpty();
    assertThat(p.getChoice("kinematics", Map.of("corexy", 2, "cartesian", 1), null))
        .isEqualTo(2);
    assertThatThrownBy(() -> p.getFloat("max_accel", null, Bounds.above(0)))
        .hasMessage("Option 'max_accel' in section 'printer' must be above 0 (printer.cfg:4)");
    assertThatThrownBy(() -> p.getInt("steps"))
        .hasMessage("Unable to parse option 'steps' in section 'printer' (printer.cfg:6):"
            + " '0x10' is not an integer");
    assertThatThrownBy(() -> p.getBoolean("bad_flag", null))
        .hasMessageContaining("'maybe' is not a boolean");
    assertThatThrownBy(() -> p.getFloat("max_z_velocity"))
        .hasMessage("Option 'max_z_velocity' in section 'printer' must be specified");
    assertThatThrownBy(() -> p.getFloatList("list", null, ",", 2))
        .hasMessageContaining("must have 2 elements");
    assertThatThrownBy(() -> p.getChoice("kinematics", Map.of("delta", 1), null))
        .hasMessage("Choice 'corexy' for option 'kinematics' in section 'printer' is not a"
            + " valid choice (printer.cfg:2)");
    assertThatThrownBy(() -> p.getInt("max_velocity", null, Bounds.max(100)))
        .hasMessageContaining("must have maximum of 100");
  }

  @Test
  void boundsApplyToValuesFromTheFileNotToDefaults() {
    // Klipper's configfile returns a default without checking it against minval/above...:
    // a heater's pwm_cycle_time defaults to 0.1 even where its maximum is lower.
    ConfigSection p = config("[printer]\nmax_accel: 5000\n").section("printer");
    assertThat(p.getFloat("pwm_cycle_time", 0.1, Bounds.above(0).andMax(0.05))).isEqualTo(0.1);
    assertThat(p.getInt("count", -1, Bounds.min(0))).isEqualTo(-1);
    assertThat(p.getFloat("max_z_accel", 5000.0, Bounds.above(0).andMax(3000)))
        .isEqualTo(5000.0);
    // A value written in the file is still checked.
    assertThatThrownBy(() -> p.getFloat("max_accel", 100.0, Bounds.max(3000)))
        .hasMessage("Option 'max_accel' in section 'printer' must have maximum of 3000"
            + " (printer.cfg:2)");
    assertThatThrownBy(() -> p.getInt("max_accel", 1, Bounds.max(10)))
        .hasMessageContaining("must have maximum of 10");
  }

  @Test
  void parsesNumbersTheWayPythonDoes() {
    assertThat(ConfigSection.parseFloat(" 1_000.5 ")).isEqualTo(1000.5);
    assertThat(ConfigSection.parseFloat(".5")).isEqualTo(0.5);
    assertThat(ConfigSection.parseFloat("5.")).isEqualTo(5.0);
    assertThat(ConfigSection.parseFloat("-inf")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThatThrownBy(() -> ConfigSection.parseFloat("1.5f")).hasMessageContaining("number");
    assertThatThrownBy(() -> ConfigSection.parseFloat("0x1p3")).hasMessageContaining("number");
    assertThat(ConfigSection.parseInt("007")).isEqualTo(7);
    assertThatThrownBy(() -> ConfigSection.parseInt("7.0")).hasMessageContaining("integer");
  }

  @Test
  void reportsSectionsAndOptionsNobodyRead() {
    Config cfg = config("""
        [printer]
        kinematics: none
        max_velocity: 1
        typo_accel: 3

        [fancy_thing]
        x: 1
        """);
    ConfigSection p = cfg.section("printer");
    p.get("kinematics");
    p.getFloat("max_velocity");
    assertThatThrownBy(() -> cfg.checkUnused(List.of("printer", "fancy_thing")))
        .hasMessage("Option 'typo_accel' is not valid in section 'printer' (printer.cfg:4)");
    p.getFloat("typo_accel", 0.0);
    assertThatThrownBy(() -> cfg.checkUnused(List.of("printer")))
        .hasMessage("Section 'fancy_thing' is not a valid config section (printer.cfg:6)");
    cfg.section("fancy_thing").getInt("x");
    cfg.checkUnused(List.of("printer"));
    assertThat(cfg.settings()).containsKeys("printer", "fancy_thing");
  }
}
