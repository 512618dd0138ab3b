package org.escapement.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PinsTest {
  static Pins pins() {
    Pins p = new Pins();
    p.registerChip("mcu");
    p.registerChip("zboard");
    return p;
  }

  @Test
  void parsesPullupInvertAndChip() {
    Pins pins = pins();
    assertThat(pins.claim("^!zboard:PA1", true, true, null))
        .isEqualTo(new Pins.Pin("zboard", "PA1", true, 1, null));
    assertThat(pins.claim("~PB2", false, true, null))
        .isEqualTo(new Pins.Pin("mcu", "PB2", false, -1, null));
    assertThatThrownBy(() -> pins.claim("^PC3", true, false, null))
        .hasMessage("Invalid pin description '^PC3'\nFormat is: [!] [chip_name:] pin_name");
    assertThatThrownBy(() -> pins.claim("aux:PC3", false, false, null))
        .hasMessage("Unknown pin chip name 'aux'");
  }

  @Test
  void aPinIsClaimedOnceUnlessShared() {
    Pins pins = pins();
    pins.claim("PA0", false, false, null);
    assertThatThrownBy(() -> pins.claim("PA0", false, false, null))
        .hasMessage("pin PA0 used multiple times in config");
    pins.claim("PB0", true, false, "endstop");
    assertThat(pins.claim("PB0", true, false, "endstop").pin()).isEqualTo("PB0");
    assertThatThrownBy(() -> pins.claim("!PB0", true, false, "endstop"))
        .hasMessage("Shared pin PB0 must have same polarity");
    pins.allowMultiUse("PA0");
    assertThat(pins.claim("PA0", false, false, null).pin()).isEqualTo("PA0");
  }

  @Test
  void namesTheSectionAndOptionOfABadPin() {
    Pins pins = pins();
    Config cfg = Config.fromText("[stepper_x]\nstep_pin: PA1\ndir_pin: PA1\n",
        Path.of("printer.cfg"));
    pins.claim(cfg.section("stepper_x"), "step_pin", "stepper");
    assertThatThrownBy(() -> pins.claim(cfg.section("stepper_x"), "dir_pin", "stepper"))
        .hasMessage("Option 'dir_pin' in section 'stepper_x' (printer.cfg:3): pin PA1 used"
            + " multiple times in config");
  }

  @Test
  void resolvesAliasesAndRefusesReservedPins() {
    Pins.Resolver r = pins().resolver("mcu");
    r.alias("EXP1_1", "PE5");
    r.alias("BEEPER", "EXP1_1");
    r.reserve("PE0", "serial");
    assertThat(r.update("config_digital_out oid=3 pin=BEEPER value=0"))
        .isEqualTo("config_digital_out oid=3 pin=PE5 value=0");
    assertThat(r.update("config_stepper oid=1 step_pin=PA1 dir_pin=PA2"))
        .isEqualTo("config_stepper oid=1 step_pin=PA1 dir_pin=PA2");
    assertThatThrownBy(() -> r.update("config_endstop oid=2 pin=PE5 pull_up=1"))
        .hasMessage("pin PE5 is an alias for BEEPER");
    assertThatThrownBy(() -> r.update("config_analog_in oid=4 pin=PE0"))
        .hasMessage("pin PE0 is reserved for serial");
  }
}
